package sweeper

import (
	"context"
	"time"
)

// Message is one reminder mail. It is built in memory and handed to the
// Mailer; it is never logged, since it holds an address and a name.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Mailer sends reminder mails. connectors/mail implements it over SMTP.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// ReminderData is what a reminder template sees.
type ReminderData struct {
	// DeleteOn is the moment from which the row will be deleted if nothing
	// changes, in the configured timezone.
	DeleteOn time.Time
	// Rule is the rule's name.
	Rule string
	// Row holds the row's values of the reminder's listed columns.
	Row map[string]any
}
