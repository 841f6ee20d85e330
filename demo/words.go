package demo

// The word lists the generator draws from. Names are common Dutch first and last
// names combined at random, so no row describes a real person; e-mail addresses
// only use the example.nl and example.com domains reserved for examples, and IP
// addresses only the documentation ranges of RFC 5737. They are constants, one
// entry per line, rather than slices, to keep the package free of mutable globals.

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

// complaintTexts holds "subject|body" pairs.
const complaintTexts = `Bestelling niet ontvangen|Ik heb twee weken geleden geboortekaartjes besteld en betaald, maar ze zijn nog steeds niet bezorgd. Kunt u nagaan waar ze zijn?
Kleur wijkt af|De kaarten zijn veel donkerder gedrukt dan het voorbeeld op de website. Dit is niet wat ik heb besteld.
Drukfout op de kaart|Op de trouwkaarten staat de datum verkeerd, terwijl die in mijn ontwerp wel goed was. Graag een nieuwe druk.
Beschadigd geleverd|De doos was ingedeukt en een deel van de kaarten is gekreukt. Ik stuur een foto mee.
Verkeerde aantallen|Ik had 80 kaarten besteld maar er zaten er 60 in de doos.
Dubbel afgeschreven|Het bedrag van mijn bestelling is twee keer van mijn rekening afgeschreven.
Enveloppen ontbreken|Bij de kaarten zaten geen enveloppen, terwijl ik die wel had aangevinkt.
Te late levering|De kaarten kwamen pas na de doop binnen, terwijl levering binnen drie werkdagen was beloofd.`

// contactTexts holds "subject|message" pairs.
const contactTexts = `Vraag over levertijd|Hoe lang duurt het voordat geboortekaartjes worden bezorgd als ik vandaag bestel?
Eigen foto op de kaart|Kan ik een eigen foto op de voorkant van de kaart laten drukken, en in welk formaat moet ik die aanleveren?
Proefdruk|Is het mogelijk om eerst een proefdruk te ontvangen voordat ik de hele oplage bestel?
Adres wijzigen|Ik ben verhuisd. Kunt u het afleveradres van mijn openstaande bestelling aanpassen?
Offerte voor een bedrijf|Wij willen graag kerstkaarten laten drukken voor ons personeel, ongeveer 250 stuks. Kunt u een offerte sturen?
Papiersoort|Welke papiersoorten zijn er, en is er ook gerecycled papier?
Verzenden naar België|Versturen jullie ook naar België, en wat kost dat?
Factuur nodig|Kan ik een factuur op naam van mijn bedrijf krijgen voor mijn laatste bestelling?
Stickers|Hebben jullie ook sluitzegels in dezelfde stijl als de kaarten?
Bestelling annuleren|Ik heb per ongeluk twee keer dezelfde bestelling geplaatst. Kunt u er een annuleren?`
