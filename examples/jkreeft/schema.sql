-- JKreeft.com (Middelharnis): a photographer. Schools, companies and private
-- clients commission shoots (assignments); the photos of each person are put
-- online in a gallery behind a login code, from which parents, employees and
-- the people themselves order prints in the web shop, with or without an
-- account.
--
-- This is the schema examples/jkreeft/config.toml runs against; every
-- retention promise of the photographer's privacy statement (quoted in
-- README.md) is a rule there. MySQL 8 / MariaDB 10.6+, InnoDB, utf8mb4.
--
--   mysql -e 'CREATE DATABASE jkreeft'
--   mysql jkreeft < examples/jkreeft/schema.sql
--
-- Conventions the sweeper relies on:
--
-- * Every moment is a DATETIME: wall-clock time in Europe/Amsterdam, without
--   a zone (sweeper.timezone names that zone). No DEFAULT CURRENT_TIMESTAMP:
--   that follows the session time zone, and the sweeper's sessions run in UTC.
-- * Every column a rule dates rows by has an index of its own.
-- * Foreign keys are ON DELETE RESTRICT: a CASCADE would delete rows without
--   an audit record. What goes with a row is a [[rule.related]] in the config;
--   a row that must outlive its parent has a nullable foreign key the sweeper
--   detaches (sets NULL).
-- * Photo files live on disk under one directory (files.root in the config);
--   photos.file_path is relative to it.

SET NAMES utf8mb4;

-- Customer accounts in the web shop, created on the basis of consent. An
-- account is deleted after five years without a login (with a reminder a
-- month before), or a day after the customer withdrew consent: deleted the
-- account in the web shop, or asked JKreeft to.
CREATE TABLE customers (
  id                   INT UNSIGNED NOT NULL AUTO_INCREMENT,
  email                VARCHAR(254) NOT NULL,
  password_hash        VARCHAR(255) NOT NULL,
  first_name           VARCHAR(100) NOT NULL,
  last_name            VARCHAR(100) NOT NULL,
  street               VARCHAR(200) NULL,
  house_number         VARCHAR(20)  NULL,
  postcode             VARCHAR(10)  NULL,
  city                 VARCHAR(100) NULL,
  phone                VARCHAR(32)  NULL,
  created_at           DATETIME     NOT NULL,
  last_login_at        DATETIME     NULL COMMENT 'NULL: never logged in after registering',
  consent_withdrawn_at DATETIME     NULL COMMENT 'set when the customer deletes the account or asks JKreeft to',
  PRIMARY KEY (id),
  UNIQUE KEY uq_customers_email (email),
  KEY idx_customers_last_login_at (last_login_at),
  KEY idx_customers_created_at (created_at),
  KEY idx_customers_consent_withdrawn_at (consent_withdrawn_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Clients (opdrachtgevers): schools, companies, institutions and private
-- persons who commission a shoot. Their administration is fiscal: 7 years.
CREATE TABLE clients (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  kind         VARCHAR(16)  NOT NULL,
  name         VARCHAR(200) NOT NULL COMMENT 'the organisation, or the private client''s name',
  street       VARCHAR(200) NULL,
  house_number VARCHAR(20)  NULL,
  postcode     VARCHAR(10)  NULL,
  city         VARCHAR(100) NULL,
  email        VARCHAR(254) NULL,
  phone        VARCHAR(32)  NULL,
  vat_number   VARCHAR(20)  NULL,
  created_at   DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_clients_created_at (created_at),
  CONSTRAINT chk_clients_kind CHECK (kind IN ('school', 'company', 'institution', 'private'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A contact person at a client: the registration that links a person to the
-- client ("De gemaakte koppeling tussen contactpersoon en opdrachtgever").
CREATE TABLE contact_persons (
  id         INT UNSIGNED NOT NULL AUTO_INCREMENT,
  client_id  INT UNSIGNED NOT NULL,
  name       VARCHAR(200) NOT NULL,
  role       VARCHAR(100) NULL COMMENT 'e.g. "adjunct-directeur", "HR"',
  email      VARCHAR(254) NULL,
  phone      VARCHAR(32)  NULL,
  created_at DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_contact_persons_client_id (client_id),
  KEY idx_contact_persons_created_at (created_at),
  CONSTRAINT fk_contact_persons_client FOREIGN KEY (client_id)
    REFERENCES clients (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Assignments (opdrachten): one shoot for one client, with the contact
-- person it was arranged with.
CREATE TABLE assignments (
  id                INT UNSIGNED NOT NULL AUTO_INCREMENT,
  client_id         INT UNSIGNED NOT NULL,
  contact_person_id INT UNSIGNED NULL COMMENT 'the contact person for this assignment; cleared 3 years after completion',
  title             VARCHAR(200) NOT NULL,
  shoot_date        DATE         NULL,
  online_months     TINYINT UNSIGNED NOT NULL DEFAULT 1 COMMENT 'how long the galleries stay online; 1 unless agreed otherwise',
  price_cents       INT UNSIGNED NULL,
  created_at        DATETIME     NOT NULL,
  completed_at      DATETIME     NULL COMMENT 'NULL while the assignment runs',
  PRIMARY KEY (id),
  KEY idx_assignments_client_id (client_id),
  KEY idx_assignments_contact_person_id (contact_person_id),
  KEY idx_assignments_completed_at (completed_at),
  CONSTRAINT fk_assignments_client FOREIGN KEY (client_id)
    REFERENCES clients (id) ON DELETE RESTRICT,
  CONSTRAINT fk_assignments_contact_person FOREIGN KEY (contact_person_id)
    REFERENCES contact_persons (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The communication about carrying out an assignment: mails in and out,
-- notes of phone calls.
CREATE TABLE assignment_messages (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  assignment_id INT UNSIGNED NOT NULL,
  direction     VARCHAR(3)   NOT NULL,
  channel       VARCHAR(16)  NOT NULL,
  correspondent VARCHAR(200) NOT NULL COMMENT 'who wrote or was written to',
  subject       VARCHAR(200) NULL,
  body          TEXT         NOT NULL,
  sent_at       DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY idx_assignment_messages_assignment_id (assignment_id),
  CONSTRAINT fk_assignment_messages_assignment FOREIGN KEY (assignment_id)
    REFERENCES assignments (id) ON DELETE RESTRICT,
  CONSTRAINT chk_assignment_messages_direction CHECK (direction IN ('in', 'out')),
  CONSTRAINT chk_assignment_messages_channel CHECK (channel IN ('email', 'phone', 'whatsapp', 'letter'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A gallery: the photos of one person (a pupil, an employee, a family)
-- behind one login code, printed on the card handed out at the shoot.
-- online_until is the last moment the photos are online. The shop sets it at
-- publication to published_at + the assignment's online_months (1 month
-- unless the client agreed another term), moves it 48 months on each time
-- the person asks to keep the photos longer, and sets it to the moment of the
-- request when the person asks for the photos to be removed or withdraws the
-- consent for the extension.
CREATE TABLE galleries (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  assignment_id INT UNSIGNED NULL,
  login_code    VARCHAR(16)  NOT NULL,
  subject_name  VARCHAR(200) NULL COMMENT 'the person photographed, e.g. "Sanne, groep 5"',
  published_at  DATETIME     NULL COMMENT 'NULL: not online yet',
  online_until  DATETIME     NULL COMMENT 'NULL: not online yet; never due',
  extensions    TINYINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'how often the term was extended by 48 months',
  extension_consent_at DATETIME NULL COMMENT 'when the person consented to the last extension',
  created_at    DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_galleries_login_code (login_code),
  KEY idx_galleries_assignment_id (assignment_id),
  KEY idx_galleries_online_until (online_until),
  CONSTRAINT fk_galleries_assignment FOREIGN KEY (assignment_id)
    REFERENCES assignments (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One photo: a file on disk, relative to the photo directory.
CREATE TABLE photos (
  id         INT UNSIGNED NOT NULL AUTO_INCREMENT,
  gallery_id INT UNSIGNED NOT NULL,
  file_path  VARCHAR(255) NOT NULL COMMENT 'relative to files.root, e.g. 2026/obs-de-wiekslag/K7Q2-0001.jpg',
  taken_at   DATETIME     NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_photos_file_path (file_path),
  KEY idx_photos_gallery_id (gallery_id),
  CONSTRAINT fk_photos_gallery FOREIGN KEY (gallery_id)
    REFERENCES galleries (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The galleries a customer added to their account with a login code: "Aan
-- het klantaccount kunnen namelijk ook digitale bestanden van foto's
-- gekoppeld zijn."
CREATE TABLE account_galleries (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id INT UNSIGNED NOT NULL,
  gallery_id  INT UNSIGNED NOT NULL,
  added_at    DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_account_galleries (customer_id, gallery_id),
  KEY idx_account_galleries_gallery_id (gallery_id),
  CONSTRAINT fk_account_galleries_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT fk_account_galleries_gallery FOREIGN KEY (gallery_id)
    REFERENCES galleries (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The web shop's session after a login code was entered: the chosen photos
-- and the order details filled in so far, so that an order can be finished
-- later. Kept at most 3 weeks from entering the code.
CREATE TABLE order_sessions (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  session_id   CHAR(43)     NOT NULL COMMENT 'the session cookie''s value',
  gallery_id   INT UNSIGNED NOT NULL COMMENT 'the gallery of the login code entered',
  cart         TEXT         NULL COMMENT 'the chosen photos and formats, as JSON',
  email        VARCHAR(254) NULL,
  first_name   VARCHAR(100) NULL,
  last_name    VARCHAR(100) NULL,
  street       VARCHAR(200) NULL,
  house_number VARCHAR(20)  NULL,
  postcode     VARCHAR(10)  NULL,
  city         VARCHAR(100) NULL,
  phone        VARCHAR(32)  NULL,
  started_at   DATETIME     NOT NULL COMMENT 'when the login code was entered',
  updated_at   DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_order_sessions_session_id (session_id),
  KEY idx_order_sessions_gallery_id (gallery_id),
  KEY idx_order_sessions_started_at (started_at),
  CONSTRAINT fk_order_sessions_gallery FOREIGN KEY (gallery_id)
    REFERENCES galleries (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Orders of prints and digital files, with the buyer's details copied at
-- checkout: "de gewenste foto's, de NAW-gegevens, telefoonnummer en het
-- e-mailadres". Kept 7 years (fiscal); salutation and phone go after 6 months.
CREATE TABLE orders (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_number VARCHAR(20)  NOT NULL,
  customer_id  INT UNSIGNED NULL COMMENT 'NULL: ordered without an account, or the account is gone',
  salutation   VARCHAR(20)  NULL,
  first_name   VARCHAR(100) NOT NULL,
  last_name    VARCHAR(100) NOT NULL,
  street       VARCHAR(200) NOT NULL,
  house_number VARCHAR(20)  NOT NULL,
  postcode     VARCHAR(10)  NOT NULL,
  city         VARCHAR(100) NOT NULL,
  country      CHAR(2)      NOT NULL DEFAULT 'NL',
  phone        VARCHAR(32)  NULL,
  email        VARCHAR(254) NOT NULL,
  total_cents  INT UNSIGNED NOT NULL,
  status       VARCHAR(16)  NOT NULL,
  ordered_at   DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_orders_order_number (order_number),
  KEY idx_orders_customer_id (customer_id),
  KEY idx_orders_ordered_at (ordered_at),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_orders_status CHECK (status IN ('paid', 'printing', 'shipped', 'delivered', 'cancelled', 'refunded'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The photos ordered. photo_ref is the photo's number as printed on the
-- invoice; photo_id points at the file while it is online and is cleared
-- when the photo goes.
CREATE TABLE order_items (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_id    INT UNSIGNED NOT NULL,
  photo_id    INT UNSIGNED NULL,
  photo_ref   VARCHAR(40)  NOT NULL,
  product     VARCHAR(40)  NOT NULL COMMENT 'e.g. "print 13x18", "digitaal"',
  quantity    INT UNSIGNED NOT NULL,
  price_cents INT UNSIGNED NOT NULL,
  PRIMARY KEY (id),
  KEY idx_order_items_order_id (order_id),
  KEY idx_order_items_photo_id (photo_id),
  CONSTRAINT fk_order_items_order FOREIGN KEY (order_id)
    REFERENCES orders (id) ON DELETE RESTRICT,
  CONSTRAINT fk_order_items_photo FOREIGN KEY (photo_id)
    REFERENCES photos (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The relationship management system: name, address and e-mail of people who
-- ordered, to tell existing customers about similar products (art. 11.7 lid 3
-- Telecommunicatiewet). One row per address.
CREATE TABLE crm_contacts (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  email         VARCHAR(254) NOT NULL,
  first_name    VARCHAR(100) NULL,
  last_name     VARCHAR(100) NULL,
  street        VARCHAR(200) NULL,
  house_number  VARCHAR(20)  NULL,
  postcode      VARCHAR(10)  NULL,
  city          VARCHAR(100) NULL,
  last_order_at DATETIME     NOT NULL COMMENT 'the last order that made this person an existing customer',
  opted_out_at  DATETIME     NULL COMMENT 'set at checkout or by an unsubscribe link',
  PRIMARY KEY (id),
  UNIQUE KEY uq_crm_contacts_email (email),
  KEY idx_crm_contacts_last_order_at (last_order_at),
  KEY idx_crm_contacts_opted_out_at (opted_out_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Messages from the contact form on the websites: a question or other
-- communication. (Complaints are registered in complaints.)
CREATE TABLE contact_messages (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name        VARCHAR(200) NOT NULL,
  email       VARCHAR(254) NOT NULL,
  phone       VARCHAR(32)  NULL,
  message     TEXT         NOT NULL,
  received_at DATETIME     NOT NULL,
  handled_at  DATETIME     NULL COMMENT 'NULL while open',
  PRIMARY KEY (id),
  KEY idx_contact_messages_received_at (received_at),
  KEY idx_contact_messages_handled_at (handled_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Customer reviews on the website and Messenger, on the basis of consent; the
-- name is optional.
CREATE TABLE reviews (
  id                   INT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id          INT UNSIGNED NULL,
  channel              VARCHAR(16)  NOT NULL,
  display_name         VARCHAR(200) NULL COMMENT 'first and last name, when the reviewer chose to add them',
  rating               TINYINT UNSIGNED NOT NULL,
  body                 TEXT         NULL,
  created_at           DATETIME     NOT NULL,
  consent_withdrawn_at DATETIME     NULL COMMENT 'set when the reviewer asks for the review to be removed',
  PRIMARY KEY (id),
  KEY idx_reviews_customer_id (customer_id),
  KEY idx_reviews_consent_withdrawn_at (consent_withdrawn_at),
  CONSTRAINT fk_reviews_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_reviews_channel CHECK (channel IN ('website', 'messenger')),
  CONSTRAINT chk_reviews_rating CHECK (rating BETWEEN 1 AND 5)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The complaints register: every complaint, whichever channel it came by
-- (e-mail, Facebook, the contact form, the phone).
CREATE TABLE complaints (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id  INT UNSIGNED NULL,
  channel      VARCHAR(16)  NOT NULL,
  name         VARCHAR(200) NOT NULL,
  email        VARCHAR(254) NULL,
  order_number VARCHAR(20)  NULL,
  body         TEXT         NOT NULL,
  filed_at     DATETIME     NOT NULL,
  handled_at   DATETIME     NULL COMMENT 'NULL while the complaint is open',
  PRIMARY KEY (id),
  KEY idx_complaints_customer_id (customer_id),
  KEY idx_complaints_filed_at (filed_at),
  KEY idx_complaints_handled_at (handled_at),
  CONSTRAINT fk_complaints_customer FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE RESTRICT,
  CONSTRAINT chk_complaints_channel CHECK (channel IN ('email', 'facebook', 'form', 'phone'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
