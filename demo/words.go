package demo

// The word lists the generator draws from. Names are common Dutch first and last
// names combined at random, so no row describes a real person; e-mail addresses
// only use the example.nl and example.com domains reserved for examples, web
// addresses only www.example.nl, IP addresses only the documentation ranges of
// RFC 5737 and RFC 3849, and IBANs a bank code no bank has (DEMO). They are
// constants, one entry per line and fields split by '|', rather than slices, to
// keep the package free of mutable globals.

const womenNames = `Anna
Emma
Julia
Sophie
Lotte
Sanne
Lisa
Fleur
Eva
Iris
Femke
Noor
Marloes
Ilse
Anouk
Esther
Linda
Monique
Petra
Ingrid
Karin
Marieke
Wendy
Yvonne
Charlotte
Maaike
Nienke
Roos
Tessa
Vera`

const menNames = `Daan
Sem
Lucas
Bram
Thijs
Jeroen
Ruben
Tim
Niels
Koen
Stijn
Joost
Martijn
Sander
Bas
Wouter
Erik
Peter
Hans
Kees
Gerard
Marco
Dennis
Rik
Floris
Jasper
Mark
Pieter
Vincent
Tom`

const lastNames = `de Jong
Jansen
de Vries
van den Berg
van Dijk
Bakker
Janssen
Visser
Smit
Meijer
de Boer
Mulder
de Groot
Bos
Vos
Peters
Hendriks
van Leeuwen
Dekker
Brouwer
de Wit
Dijkstra
Smits
de Graaf
van der Meer
van der Linden
Kok
Jacobs
de Haan
Vermeulen
van den Heuvel
van der Veen
van den Broek
de Bruijn
van der Heijden
Schouten
van Beek
Willems
van Vliet
van de Ven
Hoekstra
Maas
Verhoeven
Koster
van Dam
Prins
Blom
Huisman
Kuipers
Post
Veenstra
Kramer
Scholten
van Wijk
Postma
Vink
de Ruiter
Timmermans
Groen
Jonker`

const streets = `Dorpsstraat
Kerkstraat
Schoolstraat
Molenweg
Stationsweg
Julianastraat
Beatrixlaan
Wilhelminastraat
Lindelaan
Eikenlaan
Parklaan
Nieuwstraat
Hoofdstraat
Kastanjelaan
Bloemstraat
Irisstraat
Merelstraat
Zuiderweg
Kanaalweg
Populierenlaan
Prinses Margrietlaan
Burgemeester de Withstraat
Tulpstraat
Havenstraat`

const cities = `Amsterdam
Utrecht
Haarlem
Alkmaar
Zwolle
Leiden
Amersfoort
Groningen
Eindhoven
Nijmegen
Breda
Deventer
Apeldoorn
Delft
Gouda
Hoorn
Enschede
Middelburg
Leeuwarden
Heerhugowaard
Castricum
Zutphen`

const belgianCities = `Antwerpen
Gent
Brugge
Leuven
Hasselt`

// cards holds the shop's cards: "sku|description|price per card in cents|occasion".
// The occasion picks the texts of the design (see designContent).
const cards = `GK-WOLKJE|Geboortekaartje Wolkje|189|geboorte
GK-OLIFANT|Geboortekaartje Olifantje|189|geboorte
GK-REGENBOOG|Geboortekaartje Regenboog|195|geboorte
GK-VELDBLOEM|Geboortekaartje Veldbloemen|195|geboorte
GK-FOTO|Geboortekaartje met eigen foto|215|geboorte
GK-TWEELING|Geboortekaartje Tweeling|215|geboorte
GK-VOSJE|Geboortekaartje Vosje|189|geboorte
TK-KLASSIEK|Trouwkaart Klassiek|245|trouw
TK-BOHO|Trouwkaart Boho|255|trouw
TK-EUCALYPTUS|Trouwkaart Eucalyptus|255|trouw
BK-DANK|Bedankkaartje Dank je wel|149|bedank
UK-FEESTJE|Uitnodiging kinderfeestje|159|uitnodiging
WK-SNEEUW|Kerstkaart Sneeuwlandschap|169|kerst
WK-STER|Kerstkaart Gouden ster|175|kerst`

// extras holds what is ordered with the cards: "sku|description|price in cents|largest quantity".
const extras = `ST-SLUITZEGEL|Sluitzegels, vel van 24|395|4
EN-KRAFT|Enveloppen kraft, per 10|250|10
EN-OUDROZE|Enveloppen oudroze, per 10|295|10
PO-GEBOORTE|Geboorteposter A3|1995|2
PO-GEBOORTE-A4|Geboorteposter A4|1495|2
MK-MAGNEET|Magneetkaart|249|30`

// directShipping is the order line of a card the shop sends straight to one
// recipient on the customer's list: "sku|description|price in cents".
const directShipping = `VS-DIRECT|Kaart rechtstreeks verzonden, incl. porto|125`

// addressLabels are the names customers give the addresses in their address book.
const addressLabels = `oma
opa en oma
oma en opa
buren
peettante
tante
oom
juf
collega's
schoonouders`

// companyKinds and companyNames make the names of the businesses that order
// cards: "Kinderdagverblijf De Zonnebloem".
const companyKinds = `Kinderdagverblijf
Verloskundigenpraktijk
Kraamzorg
Fotostudio
Bloemist
Basisschool
Bakkerij
Gastouderbureau`

const companyNames = `De Zonnebloem
Het Nest
De Regenboog
Boterbloem
De Kleine Beer
Het Vogelnest
De Wilgen
Zonnestraal
De Duinroos
Het Klavertje`

// quoteTexts holds what businesses ask a quote for: "description|line|quantity|price per piece in cents".
const quoteTexts = `Kerstkaarten met logo voor ons personeel en onze relaties|Kerstkaart met logo, dubbel, inclusief envelop|250|165
Welkomstkaartjes voor nieuwe ouders, met ons logo op de achterkant|Welkomstkaart met logo, enkel|500|89
Bedankkaarten voor onze klanten, verzonden naar een adreslijst|Bedankkaart, enkel, op gerecycled papier|300|119
Uitnodigingen voor ons tienjarig jubileum|Uitnodiging jubileum, dubbel, met envelop|150|189
Geboortekaartjes als cadeau bij het kraampakket|Geboortekaartje blanco, set van 10|120|795
Verjaardagskaarten voor de kinderen van de opvang|Verjaardagskaart met naam, enkel|400|99`

// quoteExtras are the lines a quote may have beside its main one: "line|quantity|price in cents".
const quoteExtras = `Drukproef op papier|1|1500
Logo opmaken en controleren|1|3500
Adressen printen op de enveloppen|1|4500
Verzenden naar een adreslijst, per adres|100|95`

// serviceTexts holds the messages of the customer-service form: "kind|category|message".
const serviceTexts = `complaint|delivery|Ik heb twee weken geleden geboortekaartjes besteld en betaald, maar ze zijn nog steeds niet bezorgd. Kunt u nagaan waar ze zijn?
complaint|print_quality|De kaarten zijn veel donkerder gedrukt dan het voorbeeld in de editor. Dit is niet wat ik heb besteld.
complaint|print_quality|Op de trouwkaarten staat de datum verkeerd, terwijl die in mijn ontwerp wel goed was. Graag een nieuwe druk.
complaint|delivery|De doos was ingedeukt en een deel van de kaarten is gekreukt. Ik stuur een foto mee.
complaint|order|Ik had 80 kaarten besteld maar er zaten er 60 in de doos.
complaint|payment|Het bedrag van mijn bestelling is twee keer van mijn rekening afgeschreven.
complaint|order|Bij de kaarten zaten geen enveloppen, terwijl ik die wel had aangevinkt.
complaint|delivery|De kaarten kwamen pas na de kraamvisite binnen, terwijl levering binnen drie werkdagen was beloofd.
question|editor|De foto die ik upload wordt in de editor wazig. Welke resolutie moet hij hebben?
question|editor|Ik heb mijn ontwerp opgeslagen maar kan het niet meer terugvinden in mijn account.
question|order|Kan ik na het bestellen nog een tikfout in de naam van ons zoontje laten aanpassen?
question|delivery|Kunnen de kaarten ook naar het adres van mijn ouders worden gestuurd?
question|payment|Mijn iDEAL-betaling is mislukt, maar de bestelling staat wel in mijn account. Moet ik opnieuw betalen?
question|editor|Kan ik de tekst op de achterkant ook in een ander lettertype zetten?
question|order|Ik wil graag nog 20 kaarten bijbestellen van dezelfde kaart. Kan dat met hetzelfde ontwerp?`

// contactTexts holds "subject|message" pairs: e-mails, the contact form and WhatsApp.
const contactTexts = `Vraag over levertijd|Hoe lang duurt het voordat geboortekaartjes worden bezorgd als ik vandaag bestel?
Eigen foto op de kaart|Kan ik een eigen foto op de voorkant van de kaart laten drukken, en in welk formaat moet ik die aanleveren?
Proefdruk|Is het mogelijk om eerst een proefdruk te ontvangen voordat ik de hele oplage bestel?
Adres wijzigen|Ik ben verhuisd. Kunt u het afleveradres van mijn openstaande bestelling aanpassen?
Offerte voor een bedrijf|Wij willen graag kerstkaarten laten drukken voor ons personeel, ongeveer 250 stuks. Kunt u een offerte sturen?
Papiersoort|Welke papiersoorten zijn er, en is er ook gerecycled papier?
Verzenden naar België|Versturen jullie ook naar België, en wat kost dat?
Factuur nodig|Kan ik een factuur op naam van mijn bedrijf krijgen voor mijn laatste bestelling?
Sluitzegels|Hebben jullie ook sluitzegels in dezelfde stijl als de kaarten?
Bestelling annuleren|Ik heb per ongeluk twee keer dezelfde bestelling geplaatst. Kunt u er een annuleren?
Samenwerking|Ik ben illustrator en zou graag eens met jullie praten over een eigen lijn geboortekaartjes.
Compliment|Wat zijn de kaartjes mooi geworden! Alle familie was er blij mee. Dank jullie wel.`

// phoneNotes holds "subject|notes" pairs: what staff wrote down after a call.
const phoneNotes = `Levertijd|Belde over de levertijd van een bestelling voor het weekend; uitgelegd dat bestellingen voor 16.00 uur dezelfde dag de deur uitgaan.
Tikfout|Belde over een tikfout in de naam op de kaart; drukwerk stond nog niet in productie, ontwerp aangepast.
Betaling|Belde dat de betaling niet lukte; betaallink opnieuw gestuurd.
Offerte|Belde namens een kinderdagverblijf voor een offerte voor 300 kaarten; offerte toegezegd.
Bezorging|Belde dat het pakket bij de buren is afgegeven maar daar niet ligt; navraag gedaan bij de vervoerder.`

// contestTitles holds "title|slug" pairs for the shop's contests and promotions.
const contestTitles = `Win een geboorteposter naar keuze|geboorteposter
Winactie: 100 gratis geboortekaartjes|gratis-geboortekaartjes
Fotowedstrijd: de mooiste kraamfoto|fotowedstrijd
Raad het gewicht van de kraamtaart|kraamtaart
Win een complete set trouwkaarten|trouwkaarten
Kerstactie: win een pakket kerstkaarten|kerstactie
Bedenk de naam van onze nieuwe kaart|naamwedstrijd`

// contestAnswers holds what entrants write.
const contestAnswers = `Omdat onze dochter in maart wordt geboren en we de kaartjes zo mooi vinden!
3.450 gram
Wolkje, dat blijft mijn favoriet.
Voor mijn zus, die in de zomer gaat trouwen.
Onze zoon is net geboren, een poster voor zijn kamer zou prachtig zijn.
Knuffelbeer
4.120 gram
Omdat we dit jaar voor het eerst samen kerst vieren.`

// studies holds "kind|title|summary": the shop's customer and market research.
const studies = `customer|Hoe bevalt de kaarteditor?|De editor wordt goed gewaardeerd (gemiddeld 8,1); het uploaden van foto's vanaf de telefoon moet eenvoudiger.
customer|Tevredenheid over de bezorging|Negen op de tien klanten ontvingen de kaarten binnen drie werkdagen; de verpakking kan steviger.
market|Geboortekaartjes: wat vinden ouders belangrijk?|Papierkwaliteit en een eigen foto wegen zwaarder dan de prijs; de meeste ouders bestellen in de laatste maand van de zwangerschap.
customer|Nieuwe lijn trouwkaarten|De Boho-lijn spreekt de meeste deelnemers aan; uitbreiden met bijpassende bedankkaarten.
market|Duurzaam drukwerk|Twee derde van de deelnemers wil gerecycled papier, een kwart wil daar meer voor betalen.
customer|Ervaringen met het adresboek|Het adresboek wordt vooral gebruikt voor het rechtstreeks verzenden van kaarten; importeren uit een spreadsheet is gewenst.`

// researchAnswers holds answers of research participants.
const researchAnswers = `Heel tevreden, het ging snel en makkelijk.
De foto uploaden vanaf mijn telefoon lukte niet in een keer.
8
7
9
Ik zou graag meer keuze in papiersoorten hebben.
De kaarten waren mooier dan ik had verwacht.
Liever gerecycled papier, ook als het iets duurder is.
Ik bestel meestal samen met mijn partner, op de laptop.
Geen opmerkingen.`

// userAgents are the browsers that clicked newsletter confirmation links.
const userAgents = `Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1
Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36
Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36
Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15
Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0`

// The texts next to the newsletter checkbox, as the opt-in records them.
const (
	consentSignup   = "Ja, ik wil de nieuwsbrief van Kleintjesgeluk ontvangen, met nieuwe kaarten, acties en kortingen. Afmelden kan altijd via de link onder elke nieuwsbrief."
	consentCheckout = "Houd mij op de hoogte van nieuwe kaarten en acties van Kleintjesgeluk (afmelden kan altijd)."
)

// dutchMonths are the month names a card prints its dates with.
const dutchMonths = `januari
februari
maart
april
mei
juni
juli
augustus
september
oktober
november
december`
