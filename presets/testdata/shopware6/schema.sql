-- Shopware 6.6: the tables the shopware6 preset names, and every table that
-- refers to them by a foreign key, as Shopware's own migrations build them.
-- Shopware has no schema file for these tables (src/Core/schema.sql holds
-- only `plugin` and `migration`); its installer runs the migrations. This
-- file is the DDL those migrations run on these tables, statement by
-- statement and in their order (update, then updateDestructive, as a fresh
-- install does), each under the name of its migration; data updates and the
-- triggers that later migrations drop again are left out, and the tables
-- outside this file that these refer to (country, sales_channel, tag ...)
-- are bare keys.
--
-- Source: shopware/shopware, trunk at commit
--   cfc087db92b7381885333c3035b8a034ec251bae (2024-10-24, 6.6 development),
--   src/Core/Migration/V6_3 to V6_6/<migration>.php
--   (V6_7 migrations run only with the 6.7 feature flag, and are not here)
SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
SET FOREIGN_KEY_CHECKS=0;
-- Tables outside this file that these refer to, as bare keys.
CREATE TABLE `country` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `country_state` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `currency` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `payment_method` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `shipping_method` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `sales_channel` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `customer_group` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `salutation` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `language` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `media` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `promotion` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `tag` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `state_machine_state` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `user` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `document_type` (`id` BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE `product` (`id` BINARY(16) NOT NULL, `version_id` BINARY(16) NOT NULL, PRIMARY KEY (`id`, `version_id`)) ENGINE=InnoDB;
-- V6_3/Migration1536232960Customer
CREATE TABLE `customer` (
              `id` BINARY(16) NOT NULL,
              `auto_increment` BIGINT unsigned NOT NULL AUTO_INCREMENT,
              `customer_group_id` BINARY(16) NOT NULL,
              `default_payment_method_id` BINARY(16) NOT NULL,
              `sales_channel_id` BINARY(16) NOT NULL,
              `language_id` BINARY(16) NOT NULL,
              `last_payment_method_id` BINARY(16) NULL,
              `default_billing_address_id` BINARY(16) NOT NULL,
              `default_shipping_address_id` BINARY(16) NOT NULL,
              `customer_number` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `salutation_id` BINARY(16) NOT NULL,
              `first_name` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `last_name` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `company`     VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `password` VARCHAR(1024) COLLATE utf8mb4_unicode_ci NULL,
              `legacy_password` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `legacy_encoder` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `email` VARCHAR(254) COLLATE utf8mb4_unicode_ci NOT NULL,
              `title` VARCHAR(100) COLLATE utf8mb4_unicode_ci NULL,
              `active` TINYINT(1) NOT NULL DEFAULT 1,
              `guest` TINYINT(1) NOT NULL DEFAULT 0,
              `first_login` DATE NULL,
              `last_login` DATETIME(3) NULL,
              `newsletter` TINYINT(1) NOT NULL DEFAULT '0',
              `birthday` DATE NULL,
              `last_order_date` DATETIME(3),
              `order_count` INT(5) NOT NULL DEFAULT 0,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
              PRIMARY KEY (`id`),
              UNIQUE `uniq.auto_increment` (`auto_increment`),
              KEY `idx.firstlogin` (`first_login`),
              KEY `idx.lastlogin` (`last_login`),
              KEY `idx.customer.default_billing_address_id` (`default_billing_address_id`),
              KEY `idx.customer.default_shipping_address_id` (`default_shipping_address_id`),
              CONSTRAINT `json.customer.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.customer.customer_group_id` FOREIGN KEY (`customer_group_id`)
                REFERENCES `customer_group` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
              CONSTRAINT `fk.customer.default_payment_method_id` FOREIGN KEY (`default_payment_method_id`)
                REFERENCES `payment_method` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
              CONSTRAINT `fk.customer.last_payment_method_id` FOREIGN KEY (`last_payment_method_id`)
                REFERENCES `payment_method` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
              CONSTRAINT `fk.customer.sales_channel_id` FOREIGN KEY (`sales_channel_id`)
                REFERENCES `sales_channel` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
              CONSTRAINT `fk.customer.salutation_id` FOREIGN KEY (`salutation_id`)
                REFERENCES `salutation` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536232970CustomerAddress
CREATE TABLE `customer_address` (
              `id` BINARY(16) NOT NULL,
              `customer_id` BINARY(16) NOT NULL,
              `country_id` BINARY(16) NOT NULL,
              `country_state_id` BINARY(16) NULL,
              `company` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `department` VARCHAR(35) COLLATE utf8mb4_unicode_ci NULL,
              `salutation_id` BINARY(16) NOT NULL,
              `title` VARCHAR(100) COLLATE utf8mb4_unicode_ci NULL,
              `first_name` VARCHAR(50) COLLATE utf8mb4_unicode_ci NOT NULL,
              `last_name` VARCHAR(60) COLLATE utf8mb4_unicode_ci NOT NULL,
              `street` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `zipcode` VARCHAR(50) COLLATE utf8mb4_unicode_ci NOT NULL,
              `city` VARCHAR(70) COLLATE utf8mb4_unicode_ci NOT NULL,
              `vat_id` VARCHAR(50) COLLATE utf8mb4_unicode_ci NULL,
              `phone_number` VARCHAR(40) COLLATE utf8mb4_unicode_ci NULL,
              `additional_address_line1` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `additional_address_line2` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
               PRIMARY KEY (`id`),
               CONSTRAINT `json.customer_address.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
               CONSTRAINT `fk.customer_address.country_id` FOREIGN KEY (`country_id`)
                 REFERENCES `country` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
               CONSTRAINT `fk.customer_address.country_state_id` FOREIGN KEY (`country_state_id`)
                 REFERENCES `country_state` (`id`) ON DELETE SET NULL ON UPDATE CASCADE,
               CONSTRAINT `fk.customer_address.customer_id` FOREIGN KEY (`customer_id`)
                 REFERENCES `customer` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
               CONSTRAINT `fk.customer_address.salutation_id` FOREIGN KEY (`salutation_id`)
                 REFERENCES `salutation` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536232980Cart
CREATE TABLE `cart` (
              `token` VARCHAR(50) COLLATE utf8mb4_unicode_ci NOT NULL,
              `name` VARCHAR(500) COLLATE utf8mb4_unicode_ci NOT NULL,
              `cart` LONGTEXT NOT NULL,
              `price` FLOAT NOT NULL,
              `line_item_count` VARCHAR(42) COLLATE utf8mb4_unicode_ci NOT NULL,
              `currency_id` BINARY(16) NOT NULL,
              `shipping_method_id` BINARY(16) NOT NULL,
              `payment_method_id` BINARY(16) NOT NULL,
              `country_id` BINARY(16) NOT NULL,
              `customer_id` BINARY(16) NULL,
              `sales_channel_id` BINARY(16) NOT NULL,
              `created_at` DATETIME(3) NOT NULL,
              PRIMARY KEY (`token`),
              CONSTRAINT `fk.cart.country_id` FOREIGN KEY (`country_id`)
                REFERENCES `country` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.cart.currency_id` FOREIGN KEY (`currency_id`)
                REFERENCES `currency` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.cart.customer_id` FOREIGN KEY (`customer_id`)
                REFERENCES `customer` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.cart.payment_method_id` FOREIGN KEY (`payment_method_id`)
                REFERENCES `payment_method` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.cart.shipping_method_id` FOREIGN KEY (`shipping_method_id`)
                REFERENCES `shipping_method` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.cart.sales_channel_id` FOREIGN KEY (`sales_channel_id`)
                REFERENCES `sales_channel` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536232990Order
CREATE TABLE `order` (
              `id` BINARY(16) NOT NULL,
              `version_id` BINARY(16) NOT NULL,
              `state_id` BINARY(16) NOT NULL,
              `auto_increment` BIGINT unsigned NOT NULL AUTO_INCREMENT,
              `order_number` VARCHAR(64),
              `currency_id` BINARY(16) NOT NULL,
              `currency_factor` DOUBLE NULL,
              `sales_channel_id` BINARY(16) NOT NULL,
              `billing_address_id` BINARY(16) NOT NULL,
              `billing_address_version_id` BINARY(16) NOT NULL,
              `price` JSON NOT NULL,
              `order_date` DATETIME(3) NOT NULL,
              `amount_total` DOUBLE GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`price`, "$.totalPrice"))) VIRTUAL,
              `amount_net` DOUBLE GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`price`, "$.netPrice"))) VIRTUAL,
              `position_price` DOUBLE GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`price`, "$.positionPrice"))) VIRTUAL,
              `tax_status` VARCHAR(255) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`price`, "$.taxStatus"))) VIRTUAL,
              `shipping_costs` JSON NOT NULL,
              `shipping_total` DOUBLE GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`shipping_costs`, "$.totalPrice"))) VIRTUAL,
              `deep_link_code` VARCHAR(32) NULL,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
               PRIMARY KEY (`id`, `version_id`),
               INDEX `idx.state_index` (`state_id`),
               UNIQUE `uniq.auto_increment` (`auto_increment`),
               UNIQUE `uniq.deep_link_code` (`deep_link_code`, `version_id`),
               CONSTRAINT `char_length.order.deep_link_code` CHECK (CHAR_LENGTH(`deep_link_code`) = 32),
               CONSTRAINT `json.order.price` CHECK  (JSON_VALID(`price`)),
               CONSTRAINT `json.order.shipping_costs` CHECK (JSON_VALID(`shipping_costs`)),
               CONSTRAINT `json.order.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
               CONSTRAINT `fk.order.currency_id` FOREIGN KEY (`currency_id`)
                 REFERENCES `currency` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
               CONSTRAINT `fk.order.sales_channel_id` FOREIGN KEY (`sales_channel_id`)
                 REFERENCES `sales_channel` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233000OrderCustomer
CREATE TABLE `order_customer` (
              `id` BINARY(16) NOT NULL,
              `version_id` BINARY(16) NOT NULL,
              `customer_id` BINARY(16) NULL,
              `order_id` BINARY(16) NOT NULL,
              `order_version_id` BINARY(16) NOT NULL,
              `email` VARCHAR(254) COLLATE utf8mb4_unicode_ci NOT NULL,
              `salutation_id` BINARY(16) NOT NULL,
              `first_name` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `last_name` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `title` VARCHAR(100) COLLATE utf8mb4_unicode_ci NULL,
              `customer_number` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
              PRIMARY KEY (`id`, `version_id`),
              CONSTRAINT `json.order_customer.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.order_customer.customer_id` FOREIGN KEY (`customer_id`)
                REFERENCES `customer` (`id`) ON DELETE SET NULL ON UPDATE CASCADE,
              CONSTRAINT `fk.order_customer.order_id` FOREIGN KEY (`order_id`, `order_version_id`)
                REFERENCES `order` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_customer.salutation_id` FOREIGN KEY (`salutation_id`)
                REFERENCES `salutation` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233010OrderAddress
CREATE TABLE `order_address` (
              `id` BINARY(16) NOT NULL,
              `version_id` BINARY(16) NOT NULL,
              `country_id` BINARY(16) NOT NULL,
              `country_state_id` BINARY(16) NULL,
              `order_id` BINARY(16) NOT NULL,
              `order_version_id` BINARY(16) NOT NULL,
              `company` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `department` VARCHAR(35) COLLATE utf8mb4_unicode_ci NULL,
              `salutation_id` BINARY(16) NOT NULL,
              `title` VARCHAR(100) COLLATE utf8mb4_unicode_ci NULL,
              `first_name` VARCHAR(50) COLLATE utf8mb4_unicode_ci NOT NULL,
              `last_name` VARCHAR(60) COLLATE utf8mb4_unicode_ci NOT NULL,
              `street` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `zipcode` VARCHAR(50) COLLATE utf8mb4_unicode_ci NOT NULL,
              `city` VARCHAR(70) COLLATE utf8mb4_unicode_ci NOT NULL,
              `vat_id` VARCHAR(50) COLLATE utf8mb4_unicode_ci NULL,
              `phone_number` VARCHAR(40) COLLATE utf8mb4_unicode_ci NULL,
              `additional_address_line1` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `additional_address_line2` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
              PRIMARY KEY (`id`, `version_id`),
              CONSTRAINT `json.order_address.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.order_address.country_id` FOREIGN KEY (`country_id`)
                REFERENCES `country` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
              CONSTRAINT `fk.order_address.country_state_id` FOREIGN KEY (`country_state_id`)
                REFERENCES `country_state` (`id`) ON DELETE SET NULL ON UPDATE CASCADE,
              CONSTRAINT `fk.order_address.order_id` FOREIGN KEY (`order_id`, `order_version_id`)
                REFERENCES `order` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_address.salutation_id` FOREIGN KEY (`salutation_id`)
                REFERENCES `salutation` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233020OrderDelivery
CREATE TABLE `order_delivery` (
              `id` BINARY(16) NOT NULL,
              `version_id` BINARY(16) NOT NULL,
              `order_id` BINARY(16) NOT NULL,
              `order_version_id` BINARY(16) NOT NULL,
              `state_id` BINARY(16) NOT NULL,
              `shipping_order_address_id` BINARY(16) NULL,
              `shipping_order_address_version_id` BINARY(16) NULL,
              `shipping_method_id` BINARY(16) NOT NULL,
              `tracking_code` VARCHAR(200) COLLATE utf8mb4_unicode_ci NULL,
              `shipping_date_earliest` DATE NOT NULL,
              `shipping_date_latest` DATE NOT NULL,
              `shipping_costs` JSON NOT NULL,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
              PRIMARY KEY (`id`, `version_id`),
              INDEX `idx.state_index` (`state_id`),
              CONSTRAINT `json.order_delivery.shipping_costs` CHECK (JSON_VALID(`shipping_costs`)),
              CONSTRAINT `json.order_delivery.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.order_delivery.order_id` FOREIGN KEY (`order_id`, `order_version_id`)
                REFERENCES `order` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_delivery.shipping_order_address_id` FOREIGN KEY (`shipping_order_address_id`, `shipping_order_address_version_id`)
                REFERENCES `order_address` (`id`, `version_id`) ON DELETE SET NULL ON UPDATE CASCADE,
              CONSTRAINT `fk.order_delivery.shipping_method_id` FOREIGN KEY (`shipping_method_id`)
                REFERENCES `shipping_method` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233030OrderLineItem
CREATE TABLE `order_line_item` (
              `id` BINARY(16) NOT NULL,
              `version_id` BINARY(16) NOT NULL,
              `order_id` BINARY(16) NOT NULL,
              `order_version_id` BINARY(16) NOT NULL,
              `parent_id` BINARY(16) NULL,
              `parent_version_id` BINARY(16) NULL,
              `identifier` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `referenced_id` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `label` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `description` MEDIUMTEXT COLLATE utf8mb4_unicode_ci,
              `cover_id` BINARY(16) NULL,
              `quantity` INT(11) NOT NULL,
              `unit_price` DOUBLE GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`price`, "$.unitPrice"))) VIRTUAL,
              `total_price` DOUBLE GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`price`, "$.totalPrice"))) VIRTUAL,
              `type` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `payload` JSON NULL,
              `price_definition` JSON NULL,
              `price` JSON NOT NULL,
              `stackable`  TINYINT(1) NOT NULL DEFAULT 1,
              `removable`  TINYINT(1) NOT NULL DEFAULT 1,
              `good`  TINYINT(1) NOT NULL DEFAULT 1,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
              PRIMARY KEY (`id`, `version_id`),
              CONSTRAINT `json.order_line_item.payload` CHECK(JSON_VALID(`payload`)),
              CONSTRAINT `json.order_line_item.price` CHECK(JSON_VALID(`price`)),
              CONSTRAINT `json.order_line_item.price_definition` CHECK(JSON_VALID(`price_definition`)),
              CONSTRAINT `json.order_line_item.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.order_line_item.order_id` FOREIGN KEY (`order_id`, `order_version_id`)
                REFERENCES `order` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_line_item.parent_id` FOREIGN KEY (`parent_id`, `parent_version_id`)
                REFERENCES `order_line_item` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_line_item.cover_id` FOREIGN KEY (`cover_id`)
                REFERENCES `media` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233040OrderDeliveryPosition
CREATE TABLE `order_delivery_position` (
              `id` BINARY(16) NOT NULL,
              `version_id` BINARY(16) NOT NULL,
              `order_delivery_id` BINARY(16) NOT NULL,
              `order_delivery_version_id` BINARY(16) NOT NULL,
              `order_line_item_id` BINARY(16) NOT NULL,
              `order_line_item_version_id` BINARY(16) NOT NULL,
              `price` JSON NOT NULL,
              `total_price` INT(11) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`price`, "$.totalPrice"))) VIRTUAL,
              `unit_price` INT(11) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`price`, "$.unitPrice"))) VIRTUAL,
              `quantity` INT(11) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`price`, "$.quantity"))) VIRTUAL,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
              PRIMARY KEY (`id`, `version_id`),
              CONSTRAINT `json.order_delivery_position.price` CHECK (JSON_VALID(`price`)),
              CONSTRAINT `json.order_delivery_position.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.order_delivery_position.order_delivery_id` FOREIGN KEY (`order_delivery_id`, `order_delivery_version_id`)
                REFERENCES `order_delivery` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_delivery_position.order_line_item_id` FOREIGN KEY (`order_line_item_id`, `order_line_item_version_id`)
                REFERENCES `order_line_item` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233050OrderTransaction
CREATE TABLE `order_transaction` (
              `id` BINARY(16) NOT NULL,
              `version_id` BINARY(16) NOT NULL,
              `order_id` BINARY(16) NOT NULL,
              `order_version_id` BINARY(16) NOT NULL,
              `state_id` BINARY(16) NOT NULL,
              `payment_method_id` BINARY(16) NOT NULL,
              `amount` JSON NOT NULL,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
              PRIMARY KEY (`id`, `version_id`),
              INDEX `idx.state_index` (`state_id`),
              CONSTRAINT `json.order_transaction.amount` CHECK (JSON_VALID(`amount`)),
              CONSTRAINT `json.order_transaction.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.order_transaction.order_id` FOREIGN KEY (`order_id`, `order_version_id`)
                REFERENCES `order` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_transaction.state_id` FOREIGN KEY (`state_id`)
                REFERENCES `state_machine_state` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
              CONSTRAINT `fk.order_transaction.payment_method_id` FOREIGN KEY (`payment_method_id`)
                REFERENCES `payment_method` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233360Document
CREATE TABLE `document` (
              `id` BINARY(16) NOT NULL,
              `document_type_id` BINARY(16) NOT NULL,
              `referenced_document_id` BINARY(16) NULL ,
              `file_type` VARCHAR(255) NOT NULL,
              `order_id` BINARY(16) NOT NULL,
              `order_version_id` BINARY(16) NOT NULL,
              `config` JSON NULL,
              `sent` TINYINT(1) NOT NULL DEFAULT 0,
              `static` TINYINT(1) NOT NULL DEFAULT 0,
              `deep_link_code` VARCHAR(32) NOT NULL,
              `document_media_file_id` BINARY(16) NULL,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
              PRIMARY KEY (`id`),
              UNIQUE `uniq.deep_link_code` (`deep_link_code`),
              CONSTRAINT `json.document.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `json.document.config` CHECK (JSON_VALID(`config`)),
              CONSTRAINT `fk.document.document_type_id` FOREIGN KEY (`document_type_id`)
                REFERENCES `document_type` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
              CONSTRAINT `fk.document.referenced_document_id` FOREIGN  KEY (`referenced_document_id`)
                REFERENCES `document` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
              CONSTRAINT `fk.document.order_id` FOREIGN KEY (`order_id`,`order_version_id`)
                REFERENCES `order` (`id`,`version_id`) ON DELETE RESTRICT ON UPDATE CASCADE,
              CONSTRAINT `fk.document.document_media_file_id` FOREIGN KEY (`document_media_file_id`)
                REFERENCES `media` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233430NewsletterRecipient
CREATE TABLE `newsletter_recipient` (
              `id` BINARY(16) NOT NULL,
              `email` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `title` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `first_name` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `last_name` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `zip_code` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `city` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `street` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL,
              `status` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `hash` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL UNIQUE,
              `salutation_id` BINARY(16) NULL,
              `language_id` BINARY(16) NOT NULL,
              `sales_channel_id` BINARY(16) NOT NULL,
              `custom_fields` JSON NULL,
              `confirmed_at` DATETIME(3) NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
              PRIMARY KEY (`id`),
              CONSTRAINT `json.newsletter_recipient.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.newsletter_recipient.salutation_id` FOREIGN KEY (`salutation_id`)
                REFERENCES `salutation` (`id`) ON DELETE RESTRICT,
              CONSTRAINT `fk.newsletter_recipient.language_id` FOREIGN KEY (`language_id`)
                REFERENCES `language` (`id`) ON DELETE RESTRICT,
              CONSTRAINT `fk.newsletter_recipient.sales_channel_id` FOREIGN KEY (`sales_channel_id`)
                REFERENCES `sales_channel` (`id`) ON DELETE RESTRICT
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233440PromotionPersonaCustomer
CREATE TABLE `promotion_persona_customer` (
                promotion_id BINARY(16) NOT NULL,
                customer_id BINARY(16) NOT NULL,
                PRIMARY KEY (`promotion_id`, `customer_id`),
                CONSTRAINT `fk.promotion_persona_customer.promotion_id` FOREIGN KEY (promotion_id)
                  REFERENCES promotion (id) ON DELETE CASCADE,
                CONSTRAINT `fk.promotion_persona_customer.customer_id` FOREIGN KEY (customer_id)
                  REFERENCES customer (id) ON DELETE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233480SalesChannelApiContext
CREATE TABLE `sales_channel_api_context` (
              `token` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL,
              `payload` JSON NOT NULL,
              PRIMARY KEY (`token`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233550Tag
CREATE TABLE `customer_tag` (
              `customer_id` BINARY(16) NOT NULL,
              `tag_id` BINARY(16) NOT NULL,
              PRIMARY KEY (`customer_id`, `tag_id`),
              CONSTRAINT `fk.customer_tag.customer_id` FOREIGN KEY (`customer_id`)
                REFERENCES `customer` (`id`),
              CONSTRAINT `fk.customer_tag.tag_id` FOREIGN KEY (`tag_id`)
                REFERENCES `tag` (`id`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233550Tag
CREATE TABLE `order_tag` (
              `order_id` BINARY(16) NOT NULL,
              `order_version_id` BINARY(16) NOT NULL,
              `tag_id` BINARY(16) NOT NULL,
              PRIMARY KEY (`order_id`, `order_version_id`, `tag_id`),
              CONSTRAINT `fk.order_tag.order_tag__order_version_id` FOREIGN KEY (`order_id`, `order_version_id`)
                REFERENCES `order` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_tag.tag_id` FOREIGN KEY (`tag_id`)
                REFERENCES `tag` (`id`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1536233550Tag
CREATE TABLE `newsletter_recipient_tag` (
              `newsletter_recipient_id` BINARY(16) NOT NULL,
              `tag_id` BINARY(16) NOT NULL,
              PRIMARY KEY (`newsletter_recipient_id`, `tag_id`),
              CONSTRAINT `fk.newsletter_recipient_tag.newsletter_recipient_id` FOREIGN KEY (`newsletter_recipient_id`)
                REFERENCES `newsletter_recipient` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.newsletter_recipient_tag.tag_id` FOREIGN KEY (`tag_id`)
                REFERENCES `tag` (`id`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1554900301AddReviewTable
CREATE TABLE `product_review` (
                `id` BINARY(16) NOT NULL,
                `product_id` BINARY(16) NOT NULL,
                `customer_id` BINARY(16) NULL,
                `sales_channel_id` BINARY(16) NULL,
                `language_id` BINARY(16) NULL,
                `external_user` VARCHAR(255) NULL,
                `external_email` VARCHAR(255) NULL,
                `title` VARCHAR(255) NULL,
                `content` LONGTEXT NULL,
                `points` DOUBLE NULL,
                `status` TINYINT(1) NULL DEFAULT '0',
                `comment` LONGTEXT NULL,
                `updated_at` DATETIME(3) NULL,
                `created_at` DATETIME(3) NOT NULL,
                `product_version_id` BINARY(16) NOT NULL,
                PRIMARY KEY (`id`),
                KEY `fk.product_review.product_id` (`product_id`,`product_version_id`),
                KEY `fk.product_review.customer_id` (`customer_id`),
                KEY `fk.product_review.sales_channel_id` (`sales_channel_id`),
                KEY `fk.product_review.language_id` (`language_id`),
                CONSTRAINT `fk.product_review.product_id` FOREIGN KEY (`product_id`,`product_version_id`) REFERENCES `product` (`id`,`version_id`)  ON DELETE CASCADE ON UPDATE CASCADE,
                CONSTRAINT `fk.product_review.customer_id` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`),
                CONSTRAINT `fk.product_review.sales_channel_id` FOREIGN KEY (`sales_channel_id`) REFERENCES `sales_channel` (`id`),
                CONSTRAINT `fk.product_review.language_id` FOREIGN KEY (`language_id`) REFERENCES `language` (`id`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1562306893MakeCustomerFirstLoginDateTime
ALTER TABLE `customer` MODIFY COLUMN `first_login` DATETIME(3) NULL;
-- V6_3/Migration1562324772AddOrderDateToOrder
ALTER TABLE `order` CHANGE `order_date` `order_date_time` DATETIME(3) NOT NULL;
ALTER TABLE `order` ADD COLUMN `order_date` DATE GENERATED ALWAYS AS (CONVERT(`order_date_time`, DATE)) STORED AFTER `order_date_time`;
-- V6_3/Migration1563805586AddLanguageToOrder
ALTER TABLE `order` ADD `language_id` BINARY(16) AFTER `currency_id`;
ALTER TABLE `order` MODIFY COLUMN `language_id` BINARY(16) NOT NULL;
ALTER TABLE `order` ADD CONSTRAINT `fk.language_id` FOREIGN KEY (`language_id`) REFERENCES `language` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
-- V6_3/Migration1563949275AddCompanyToOrderCustomer
ALTER TABLE `order_customer` ADD `company` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL AFTER `title`;
-- V6_3/Migration1570622696CustomerPasswordRecovery
CREATE TABLE IF NOT EXISTS `customer_recovery` (
                `id` BINARY(16) NOT NULL,
                `customer_id` BINARY(16) NOT NULL,
                `hash` VARCHAR(255) NOT NULL,
                `created_at` DATETIME(3) NOT NULL,
                `updated_at` DATETIME(3) NULL,
                PRIMARY KEY (`id`),
                CONSTRAINT `uniq.customer_recovery.customer_id` UNIQUE (`customer_id`),
                CONSTRAINT `fk.customer_recovery.customer_id` FOREIGN KEY (`customer_id`)
                    REFERENCES `customer` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1571724915MultipleTrackingCodesInOrderDelivery
ALTER TABLE `order_delivery` ADD COLUMN `tracking_codes` JSON NULL AFTER `shipping_method_id`, ADD CONSTRAINT `json.order_delivery.tracking_codes` CHECK (JSON_VALID(`tracking_codes`));
ALTER TABLE `order_delivery` MODIFY COLUMN `tracking_codes` JSON NOT NULL;
ALTER TABLE `order_delivery` DROP COLUMN `tracking_code`;
-- V6_3/Migration1572421282AddDoubleOptInRegistration
ALTER TABLE `customer` ADD COLUMN `doubleOptInRegistration` TINYINT(1) NOT NULL DEFAULT 0 AFTER `active`, ADD COLUMN `doubleOptInEmailSentDate` DATETIME(3) NULL AFTER `doubleOptInRegistration`, ADD COLUMN `doubleOptInConfirmDate` DATETIME(3) NULL AFTER `doubleOptInEmailSentDate`, ADD COLUMN `hash` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL UNIQUE AFTER `doubleOptInConfirmDate`;
-- V6_3/Migration1572957455AddAffiliateTrackingColumns
ALTER TABLE `customer` ADD COLUMN `affiliate_code` varchar(255) NULL AFTER `custom_fields`, ADD COLUMN `campaign_code` varchar(255) NULL AFTER `affiliate_code`;
ALTER TABLE `order` ADD COLUMN `affiliate_code` varchar(255) NULL AFTER `custom_fields`, ADD COLUMN `campaign_code` varchar(255) NULL AFTER `affiliate_code`;
-- V6_3/Migration1574082635AddOrderLineItemProductId
ALTER TABLE `order_line_item` ADD `product_id` binary(16) NULL AFTER `referenced_id`, ADD `product_version_id` binary(16) NULL AFTER `product_id`;
ALTER TABLE `order_line_item` ADD FOREIGN KEY (`product_id`, `product_version_id`) REFERENCES `product` (`id`, `version_id`) ON DELETE SET NULL ON UPDATE CASCADE;
-- V6_3/Migration1574258789ProductReviewLanguageKey
ALTER TABLE `product_review` DROP FOREIGN KEY `fk.product_review.language_id`;
ALTER TABLE `product_review` ADD CONSTRAINT `fk.product_review.language_id` FOREIGN KEY (`language_id`) REFERENCES `language` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
-- V6_3/Migration1574672450RemoteAddressIntoCustomerAndOrderCustomerTable
ALTER TABLE `customer` ADD `remote_address` VARCHAR(255) NULL;
ALTER TABLE `order_customer` ADD `remote_address` VARCHAR(255) NULL;
-- V6_3/Migration1575034234FixOrderDeliveryAddressConstraint
ALTER TABLE `order_delivery` DROP FOREIGN KEY `fk.order_delivery.shipping_order_address_id`;
ALTER TABLE `order_delivery` ADD CONSTRAINT `fk.order_delivery.shipping_order_address_id` FOREIGN KEY (`shipping_order_address_id`, `shipping_order_address_version_id`) REFERENCES `order_address` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE;
-- V6_3/Migration1575039284FixProductReviewConstraint
ALTER TABLE `product_review` DROP FOREIGN KEY `fk.product_review.customer_id`;
ALTER TABLE `product_review` ADD CONSTRAINT `fk.product_review.customer_id` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `product_review` DROP FOREIGN KEY `fk.product_review.language_id`;
ALTER TABLE `product_review` ADD CONSTRAINT `fk.product_review.language_id` FOREIGN KEY (`language_id`) REFERENCES `language` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
-- V6_3/Migration1576488398AddOrderLineItemPosition
ALTER TABLE `order_line_item` ADD COLUMN `position` INT(11) NOT NULL DEFAULT 1 AFTER `good`;
-- V6_3/Migration1583756864FixDeliveryForeignKey
ALTER TABLE `order_delivery` DROP FOREIGN KEY `fk.order_delivery.shipping_order_address_id`;
-- V6_3/Migration1585126355AddOrderCommentField
ALTER TABLE `order` ADD COLUMN `customer_comment` LONGTEXT COLLATE utf8mb4_unicode_ci NULL AFTER `campaign_code`;
-- V6_3/Migration1591817370AddCustomerTagsManyToManyIdField
ALTER TABLE `customer` ADD COLUMN `tag_ids` JSON NULL, ADD CONSTRAINT `json.customer.tag_ids` CHECK (JSON_VALID(`tag_ids`));
-- V6_4/Migration1594104496CashRounding
ALTER TABLE `order` ADD COLUMN `item_rounding` JSON NULL;
ALTER TABLE `order` ADD COLUMN `total_rounding` JSON NULL;
-- V6_3/Migration1596441551CustomerGroupRegistration
ALTER TABLE `customer` ADD `requested_customer_group_id` binary(16) NULL AFTER `customer_group_id`;
ALTER TABLE `customer` ADD INDEX `fk.customer.requested_customer_group_id` (`requested_customer_group_id`);
-- V6_3/Migration1598520424UpdateProductReviewConstraint
ALTER TABLE `product_review` DROP FOREIGN KEY `fk.product_review.customer_id`;
ALTER TABLE `product_review` ADD CONSTRAINT `fk.product_review.customer_id` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;
-- V6_3/Migration1599463278AddCustomerIdIntoSalesChannelContext
ALTER TABLE `sales_channel_api_context` ADD `customer_id` BINARY(16) NULL UNIQUE DEFAULT NULL AFTER `payload`;
ALTER TABLE `sales_channel_api_context` ADD CONSTRAINT `fk.sales_channel_api_context.customer_id` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`) ON DELETE CASCADE;
-- V6_3/Migration1600253602AddOrderRuleIds
ALTER TABLE `order` ADD COLUMN `rule_ids` JSON NULL;
-- V6_3/Migration1600676671OrderLineItemCoverMedia
ALTER TABLE `order_line_item` DROP FOREIGN KEY `fk.order_line_item.cover_id`;
ALTER TABLE `order_line_item` ADD CONSTRAINT `fk.order_line_item.cover_id` FOREIGN KEY (`cover_id`) REFERENCES `media` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;
-- V6_3/Migration1601543829AddBoundSalesChannelIdColumnIntoCustomer
ALTER TABLE `customer` ADD COLUMN `bound_sales_channel_id` BINARY(16) NULL DEFAULT NULL, ADD CONSTRAINT `fk.customer.bound_sales_channel_id` FOREIGN KEY (`bound_sales_channel_id`) REFERENCES `sales_channel` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
-- V6_3/Migration1602062376AddUniqueConstraintForEmailAndBoundSalesChannelIdIntoCustomerTable
ALTER TABLE `customer` ADD UNIQUE `uniq.customer.email_bound_sales_channel_id`(`email`, `bound_sales_channel_id`);
-- V6_3/Migration1602153572AddSalesChannelIdColumnIntoSalesChannelApiContextTable
ALTER TABLE `sales_channel_api_context` DROP FOREIGN KEY `fk.sales_channel_api_context.customer_id`;
ALTER TABLE `sales_channel_api_context` DROP INDEX `customer_id`;
ALTER TABLE `sales_channel_api_context` ADD `sales_channel_id` BINARY(16) NULL DEFAULT NULL AFTER `payload`;
ALTER TABLE `sales_channel_api_context` ADD CONSTRAINT `fk.sales_channel_api_context.sales_channel_id` FOREIGN KEY (`sales_channel_id`) REFERENCES `sales_channel` (`id`) ON DELETE CASCADE, ADD CONSTRAINT `fk.sales_channel_api_context.customer_id` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`) ON DELETE CASCADE;
ALTER TABLE `sales_channel_api_context` ADD UNIQUE `uniq.sales_channel_api_context.sales_channel_id_customer_id`(`sales_channel_id`, `customer_id`);
-- V6_3/Migration1602745374AddVatIdsColumnAndTransferVatIdFromCustomerAddressIntoCustomer (its triggers are dropped by V6_5/Migration1675082889DropUnusedTables)
ALTER TABLE `customer` ADD COLUMN `vat_ids` JSON NULL DEFAULT NULL AFTER `title`;
-- V6_3/Migration1603970276RemoveCustomerEmailUniqueConstraint
ALTER TABLE `customer` DROP INDEX `uniq.customer.email_bound_sales_channel_id`;
-- V6_3/Migration1604056363CustomerWishlist
CREATE TABLE IF NOT EXISTS `customer_wishlist` (
              `id`                binary(16)   NOT NULL,
              `customer_id`       binary(16)   NOT NULL,
              `sales_channel_id`  binary(16)   NOT NULL,
              `custom_fields`     json         NULL,
              `created_at`        datetime(3)  NOT NULL,
              `updated_at`        datetime(3)  DEFAULT NULL,
              PRIMARY KEY (`id`),
              UNIQUE KEY `uniq.customer_wishlist` (`sales_channel_id`,`customer_id`),
              KEY `fk.customer_wishlist.sales_channel_id` (`sales_channel_id`),
              CONSTRAINT `fk.customer_wishlist.customer_id` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.customer_wishlist.sales_channel_id` FOREIGN KEY (`sales_channel_id`) REFERENCES `sales_channel` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1604056421CustomerWishlistProducts
CREATE TABLE IF NOT EXISTS `customer_wishlist_product` (
              `id`                    binary(16)  NOT NULL,
              `customer_wishlist_id`  binary(16)  NOT NULL,
              `product_id`            binary(16)  NOT NULL,
              `product_version_id`    binary(16)  NOT NULL,
              `custom_fields`         json        NULL,
              `created_at`            datetime(3) NOT NULL,
              `updated_at`            datetime(3) DEFAULT NULL,
              PRIMARY KEY (`id`),
              UNIQUE KEY `uniq.customer_wishlist.sales_channel_id__customer_id` (`customer_wishlist_id`,`product_id`),
              KEY `fk.customer_wishlist_product.product_id` (`product_id`,`product_version_id`),
              KEY `fk.customer_wishlist_product.customer_wishlist_id` (`customer_wishlist_id`),
              CONSTRAINT `fk.customer_wishlist_product.product_id` FOREIGN KEY (`product_id`, `product_version_id`) REFERENCES `product` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.customer_wishlist_product.customer_wishlist_id` FOREIGN KEY (`customer_wishlist_id`) REFERENCES `customer_wishlist` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_3/Migration1605609309AddCreatedByIdAndUpdatedByIdToOrder
ALTER TABLE `order` ADD COLUMN `created_by_id` BINARY(16) NULL AFTER `rule_ids`, ADD COLUMN `updated_by_id` BINARY(16) NULL AFTER `created_by_id`;
ALTER TABLE `order` ADD CONSTRAINT `fk.order.created_by_id` FOREIGN KEY (`created_by_id`) REFERENCES `user` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `order` ADD CONSTRAINT `fk.order.updated_by_id` FOREIGN KEY (`updated_by_id`) REFERENCES `user` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
-- V6_4/Migration1610523548FixCustomerColumns (update and destructive; its triggers are dropped by the latter)
ALTER TABLE `customer` ADD COLUMN `double_opt_in_registration` TINYINT(1) NOT NULL DEFAULT 0 AFTER `doubleOptInRegistration`, ADD COLUMN `double_opt_in_email_sent_date` DATETIME(3) NULL AFTER `doubleOptInEmailSentDate`, ADD COLUMN `double_opt_in_confirm_date` DATETIME(3) NULL AFTER `doubleOptInConfirmDate`;
ALTER TABLE `customer` DROP COLUMN `doubleOptInRegistration`;
ALTER TABLE `customer` DROP COLUMN `doubleOptInEmailSentDate`;
ALTER TABLE `customer` DROP COLUMN `doubleOptInConfirmDate`;
-- V6_3/Migration1610965670RemoveDeprecatedColumns
ALTER TABLE `customer_wishlist_product` DROP COLUMN `custom_fields`;
-- V6_3/Migration1611155140AddUpdatedAtToSalesChannelApiContext
ALTER TABLE `sales_channel_api_context` ADD COLUMN `updated_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP;
-- V6_4/Migration1612442686AddDeleteCascadeToCustomerTagTable
ALTER TABLE `customer_tag` DROP FOREIGN KEY `fk.customer_tag.customer_id`;
ALTER TABLE `customer_tag` ADD CONSTRAINT `fk.customer_tag.customer_id` FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
-- V6_3/Migration1614240671AddVatIdsToOrderCustomer
ALTER TABLE `order_customer` ADD COLUMN `vat_ids` JSON NULL DEFAULT NULL AFTER `title`;
-- V6_4/Migration1617784658AddCartIndex
ALTER TABLE `cart` ADD INDEX `idx.cart.created_at` (`created_at`);
-- V6_4/Migration1617953690AddCustomFieldToProductReview
ALTER TABLE `product_review` ADD COLUMN `custom_fields` JSON NULL AFTER `comment`, ADD CONSTRAINT `json.product_review.custom_fields` CHECK (JSON_VALID(`custom_fields`));
-- V6_4/Migration1620201616AddUpdatedAtToCart
ALTER TABLE `cart` ADD COLUMN `updated_at` DATETIME(3) NULL;
-- V6_4/Migration1622010069AddCartRules
ALTER TABLE `cart` ADD `rule_ids` json NOT NULL AFTER `sales_channel_id`;
-- V6_4/Migration1625505190AddOrderTotalAmountToCustomerTable
ALTER TABLE `customer` ADD COLUMN order_total_amount DOUBLE DEFAULT 0 AFTER order_count;
-- V6_4/Migration1625819412ChangeOrderCreatedByIdConstraint
ALTER TABLE `order` DROP FOREIGN KEY `fk.order.created_by_id`;
ALTER TABLE `order` ADD CONSTRAINT `fk.order.created_by_id` FOREIGN KEY (`created_by_id`) REFERENCES `user` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE `order` DROP FOREIGN KEY `fk.order.updated_by_id`;
ALTER TABLE `order` ADD CONSTRAINT `fk.order.updated_by_id` FOREIGN KEY (`updated_by_id`) REFERENCES `user` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;
-- V6_4/Migration1634735841AddedNewsletterSalesChannelIds
ALTER TABLE `customer` ADD `newsletter_sales_channel_ids` json NULL AFTER `last_login`;
-- V6_4/Migration1642517958AddCascadeDeleteToTagRelations
ALTER TABLE `order_tag` DROP FOREIGN KEY `fk.order_tag.tag_id`;
ALTER TABLE `order_tag` ADD CONSTRAINT `fk.order_tag.tag_id` FOREIGN KEY (`tag_id`) REFERENCES `tag` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `customer_tag` DROP FOREIGN KEY `fk.customer_tag.tag_id`;
ALTER TABLE `customer_tag` ADD CONSTRAINT `fk.customer_tag.tag_id` FOREIGN KEY (`tag_id`) REFERENCES `tag` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `newsletter_recipient_tag` DROP FOREIGN KEY `fk.newsletter_recipient_tag.tag_id`;
ALTER TABLE `newsletter_recipient_tag` ADD CONSTRAINT `fk.newsletter_recipient_tag.tag_id` FOREIGN KEY (`tag_id`) REFERENCES `tag` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
-- V6_4/Migration1643892702AddCaptureRefundTables
CREATE TABLE IF NOT EXISTS `order_transaction_capture` (
              `id`                              BINARY(16)                      NOT NULL,
              `order_transaction_id`            BINARY(16)                      NOT NULL,
              `order_transaction_version_id`    BINARY(16)                      NOT NULL,
              `state_id`                        BINARY(16)                      NOT NULL,
              `external_reference`              VARCHAR(255)                    NULL,
              `amount`                          JSON                            NOT NULL,
              `custom_fields`                   JSON                            NULL,
              `created_at`                      DATETIME(3)                     NOT NULL,
              `updated_at`                      DATETIME(3)                     NULL,
              PRIMARY KEY (`id`),
              CONSTRAINT `json.order_transaction_capture.amount` CHECK (JSON_VALID(`amount`)),
              CONSTRAINT `json.order_transaction_capture.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.order_transaction_capture.order_transaction_id` FOREIGN KEY (`order_transaction_id`, `order_transaction_version_id`)
                REFERENCES `order_transaction` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_transaction_capture.state_id` FOREIGN KEY (`state_id`)
                REFERENCES `state_machine_state` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_4/Migration1643892702AddCaptureRefundTables
CREATE TABLE IF NOT EXISTS `order_transaction_capture_refund` (
              `id`                      BINARY(16)                              NOT NULL,
              `capture_id`              BINARY(16)                              NOT NULL,
              `state_id`                BINARY(16)                              NOT NULL,
              `reason`                  VARCHAR(255)                            NULL,
              `amount`                  JSON                                    NOT NULL,
              `custom_fields`           JSON                                    NULL,
              `external_reference`      VARCHAR(255)                            NULL,
              `created_at`              DATETIME(3)                             NOT NULL,
              `updated_at`              DATETIME(3)                             NULL,
              PRIMARY KEY (`id`),
              CONSTRAINT `json.order_transaction_capture_refund.amount` CHECK (JSON_VALID(`amount`)),
              CONSTRAINT `json.order_transaction_capture_refund.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.order_transaction_capture_refund.capture_id` FOREIGN KEY (`capture_id`)
                REFERENCES `order_transaction_capture` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_transaction_capture_refund.state_id` FOREIGN KEY (`state_id`)
                REFERENCES `state_machine_state` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_4/Migration1643892702AddCaptureRefundTables
CREATE TABLE IF NOT EXISTS `order_transaction_capture_refund_position` (
              `id`                              BINARY(16)                              NOT NULL,
              `refund_id`                       BINARY(16)                              NOT NULL,
              `order_line_item_id`              BINARY(16)                              NOT NULL,
              `order_line_item_version_id`      BINARY(16)                              NOT NULL,
              `quantity`                        INT(11)                                 NOT NULL,
              `reason`                          VARCHAR(255)                            NULL,
              `external_reference`              VARCHAR(255)                            NULL,
              `amount`                          JSON                                    NOT NULL,
              `custom_fields`                   JSON                                    NULL,
              `created_at`                      DATETIME(3)                             NOT NULL,
              `updated_at`                      DATETIME(3)                             NULL,
              PRIMARY KEY (`id`),
              CONSTRAINT `json.order_transaction_capture_refund_position.amount` CHECK (JSON_VALID(`amount`)),
              CONSTRAINT `json.order_transaction_capture_refund_position.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.order_transaction_capture_refund_position.refund_id` FOREIGN KEY (`refund_id`)
                REFERENCES `order_transaction_capture_refund` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
              CONSTRAINT `fk.order_transaction_capture_refund_position.order_line_item_id` FOREIGN KEY (`order_line_item_id`, `order_line_item_version_id`)
                REFERENCES `order_line_item` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_4/Migration1648031611AddOrderLineItemPromotionId
ALTER TABLE `order_line_item` ADD `promotion_id` binary(16) NULL AFTER `product_version_id`;
ALTER TABLE `order_line_item` ADD CONSTRAINT `fk.order_line_item.promotion_id` FOREIGN KEY (`promotion_id`) REFERENCES `promotion` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;
-- V6_4/Migration1648709176CartCompression (destructive)
ALTER TABLE `cart` ADD `compressed` tinyint(1) NOT NULL DEFAULT 0;
ALTER TABLE `cart` ADD `payload` LONGBLOB NULL;
ALTER TABLE `cart` DROP COLUMN `cart`;
-- V6_4/Migration1650249241UpdateTypeOfDepartmentAddress
ALTER TABLE `customer_address` MODIFY COLUMN `department` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL;
ALTER TABLE `order_address` MODIFY COLUMN `department` VARCHAR(255) COLLATE utf8mb4_unicode_ci NULL;
-- V6_4/Migration1650872291CartAutoIncrement
ALTER TABLE `cart` ADD `auto_increment` bigint NOT NULL AUTO_INCREMENT UNIQUE;
-- V6_4/Migration1651118773UpdateZipCodeOfTableCustomerAddressToNullable
ALTER TABLE `customer_address` MODIFY COLUMN `zipcode` varchar(50) NULL;
-- V6_4/Migration1659257496OrderLineItemDownload
ALTER TABLE `order_line_item` ADD COLUMN `states` JSON NULL, ADD CONSTRAINT `json.order_line_item.states` CHECK (JSON_VALID(`states`));
-- V6_4/Migration1659257496OrderLineItemDownload
CREATE TABLE IF NOT EXISTS `order_line_item_download` (
              `id` BINARY(16) NOT NULL,
              `version_id` BINARY(16) NOT NULL,
              `position` INT(11) NOT NULL DEFAULT 1,
              `access_granted` TINYINT(1) NOT NULL DEFAULT 0,
              `order_line_item_id` BINARY(16) NOT NULL,
              `order_line_item_version_id` BINARY(16) NOT NULL,
              `media_id` BINARY(16) NOT NULL,
              `custom_fields` JSON NULL,
              `created_at` DATETIME(3) NOT NULL,
              `updated_at` DATETIME(3) NULL,
              PRIMARY KEY (`id`, `version_id`),
              CONSTRAINT `json.order_line_item_download.custom_fields` CHECK (JSON_VALID(`custom_fields`)),
              CONSTRAINT `fk.order_line_item_download.media_id` FOREIGN KEY (`media_id`)
                REFERENCES `media` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
              CONSTRAINT `fk.order_line_item_download.order_line_item_id` FOREIGN KEY (`order_line_item_id`, `order_line_item_version_id`)
                REFERENCES `order_line_item` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- V6_4/Migration1661759290AddDateAndCurrencyIndexToOrderTable
ALTER TABLE `order` ADD INDEX `idx.order_date_currency_id` (`order_date`, `currency_id`);
-- V6_4/Migration1667806582AddCreatedByIdAndUpdatedByIdToCustomer
ALTER TABLE `customer` ADD COLUMN `created_by_id` BINARY(16) NULL AFTER `bound_sales_channel_id`, ADD COLUMN `updated_by_id` BINARY(16) NULL AFTER `created_by_id`;
ALTER TABLE `customer` ADD CONSTRAINT `fk.customer.created_by_id` FOREIGN KEY (`created_by_id`) REFERENCES `user` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `customer` ADD CONSTRAINT `fk.customer.updated_by_id` FOREIGN KEY (`updated_by_id`) REFERENCES `user` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
-- V6_5/Migration1670090989AddIndexOrderOrderNumber
ALTER TABLE `order` ADD INDEX `idx.order_number` (`order_number`);
-- V6_5/Migration1673263104RemoveCartNameColumn (update and destructive)
ALTER TABLE `cart` CHANGE `name` `name` VARCHAR(500) COLLATE utf8mb4_unicode_ci;
ALTER TABLE `cart` DROP COLUMN `name`;
-- V6_5/Migration1675082889DropUnusedTables
ALTER TABLE `customer_address` DROP COLUMN `vat_id`;
ALTER TABLE `customer` DROP COLUMN `newsletter`;
-- V6_5/Migration1676272000AddAccountTypeToCustomer (MigrationStep::addColumn)
ALTER TABLE `customer` ADD COLUMN `account_type` VARCHAR(255) NOT NULL DEFAULT 'private';
-- V6_5/Migration1679584289AddCustomerReviewCount (MigrationStep::addColumn)
ALTER TABLE `customer` ADD COLUMN `review_count` INT NOT NULL DEFAULT 0;
-- V6_5/Migration1688717599UpdateCreatedByIdAndUpdatedByIdInOrderAndCustomer
ALTER TABLE `customer` DROP FOREIGN KEY `fk.customer.created_by_id`;
ALTER TABLE `customer` ADD CONSTRAINT `fk.customer.created_by_id` FOREIGN KEY (`created_by_id`) REFERENCES `user` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE `customer` DROP FOREIGN KEY `fk.customer.updated_by_id`;
ALTER TABLE `customer` ADD CONSTRAINT `fk.customer.updated_by_id` FOREIGN KEY (`updated_by_id`) REFERENCES `user` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE `order` DROP FOREIGN KEY `fk.order.created_by_id`;
ALTER TABLE `order` ADD CONSTRAINT `fk.order.created_by_id` FOREIGN KEY (`created_by_id`) REFERENCES `user` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE `order` DROP FOREIGN KEY `fk.order.updated_by_id`;
ALTER TABLE `order` ADD CONSTRAINT `fk.order.updated_by_id` FOREIGN KEY (`updated_by_id`) REFERENCES `user` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;
-- V6_5/Migration1689776940AddCartSourceField (MigrationStep::addColumn)
ALTER TABLE `order` ADD COLUMN `source` VARCHAR(255) NULL;
-- V6_5/Migration1689856589AddVersioningForOrderTransactionCaptures
ALTER TABLE `order_transaction_capture` ADD COLUMN `version_id` BINARY(16) NULL DEFAULT 0x0fa91ce3e96a4bc2be4bd9ce752c3425;
ALTER TABLE `order_transaction_capture_refund` ADD COLUMN `version_id` BINARY(16) NULL DEFAULT 0x0fa91ce3e96a4bc2be4bd9ce752c3425;
ALTER TABLE `order_transaction_capture_refund` ADD COLUMN `capture_version_id` BINARY(16) NULL DEFAULT 0x0fa91ce3e96a4bc2be4bd9ce752c3425;
ALTER TABLE `order_transaction_capture_refund_position` ADD COLUMN `version_id` BINARY(16) NULL DEFAULT 0x0fa91ce3e96a4bc2be4bd9ce752c3425;
ALTER TABLE `order_transaction_capture_refund_position` ADD COLUMN `refund_version_id` BINARY(16) NULL DEFAULT 0x0fa91ce3e96a4bc2be4bd9ce752c3425;
ALTER TABLE `order_transaction_capture_refund` DROP FOREIGN KEY `fk.order_transaction_capture_refund.capture_id`;
ALTER TABLE `order_transaction_capture_refund` DROP INDEX `fk.order_transaction_capture_refund.capture_id`;
ALTER TABLE `order_transaction_capture_refund_position` DROP FOREIGN KEY `fk.order_transaction_capture_refund_position.refund_id`;
ALTER TABLE `order_transaction_capture_refund_position` DROP INDEX `fk.order_transaction_capture_refund_position.refund_id`;
ALTER TABLE `order_transaction_capture` DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `version_id`);
ALTER TABLE `order_transaction_capture_refund` DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `version_id`);
ALTER TABLE `order_transaction_capture_refund_position` DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `version_id`);
ALTER TABLE `order_transaction_capture_refund` ADD CONSTRAINT `fk.order_transaction_capture_refund.capture_id` FOREIGN KEY (`capture_id`, `capture_version_id`) REFERENCES `order_transaction_capture` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `order_transaction_capture_refund_position` ADD CONSTRAINT `fk.order_transaction_capture_refund_position.refund_id` FOREIGN KEY (`refund_id`, `refund_version_id`) REFERENCES `order_transaction_capture_refund` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE;
-- V6_5/Migration1695776504UpdateZipCodeOfTableOrderAddressToNullable
ALTER TABLE `order_address` MODIFY COLUMN `zipcode` varchar(50) NULL;
-- V6_5/Migration1695778183UpdateStreetOfTableCustomerAddressToNotNull
ALTER TABLE `customer_address` MODIFY COLUMN `street` varchar(255) NOT NULL;
-- V6_5/Migration1696300511AddDocumentNumberToDocumentEntity
ALTER TABLE document ADD COLUMN document_number VARCHAR(255) GENERATED ALWAYS AS (JSON_UNQUOTE(JSON_EXTRACT(`config`, "$.documentNumber"))) STORED;
CREATE INDEX `idx.document.document_number` ON `document` (`document_number`);
-- V6_5/Migration1697792159FixOrderDeliveryAddressConstraint
ALTER TABLE `order_delivery` ADD CONSTRAINT `fk.order_delivery.shipping_order_address_id` FOREIGN KEY (`shipping_order_address_id`, `shipping_order_address_version_id`) REFERENCES `order_address` (`id`, `version_id`) ON DELETE CASCADE ON UPDATE CASCADE;
-- V6_6/Migration1707064042CartRemoveFK (update and destructive)
ALTER TABLE `cart` DROP FOREIGN KEY `fk.cart.country_id`;
ALTER TABLE `cart` DROP FOREIGN KEY `fk.cart.currency_id`;
ALTER TABLE `cart` DROP FOREIGN KEY `fk.cart.payment_method_id`;
ALTER TABLE `cart` DROP FOREIGN KEY `fk.cart.sales_channel_id`;
ALTER TABLE `cart` DROP FOREIGN KEY `fk.cart.shipping_method_id`;
ALTER TABLE `cart` DROP FOREIGN KEY `fk.cart.customer_id`;
ALTER TABLE `cart` DROP INDEX `fk.cart.country_id`;
ALTER TABLE `cart` DROP INDEX `fk.cart.currency_id`;
ALTER TABLE `cart` DROP INDEX `fk.cart.payment_method_id`;
ALTER TABLE `cart` DROP INDEX `fk.cart.sales_channel_id`;
ALTER TABLE `cart` DROP INDEX `fk.cart.shipping_method_id`;
ALTER TABLE `cart` DROP INDEX `fk.cart.customer_id`;
ALTER TABLE `cart` CHANGE COLUMN `price` `price` FLOAT NULL;
ALTER TABLE `cart` CHANGE COLUMN `line_item_count` `line_item_count` VARCHAR(42) NULL;
ALTER TABLE `cart` CHANGE COLUMN `currency_id` `currency_id` BINARY(16) NULL;
ALTER TABLE `cart` CHANGE COLUMN `shipping_method_id` `shipping_method_id` BINARY(16) NULL;
ALTER TABLE `cart` CHANGE COLUMN `payment_method_id` `payment_method_id` BINARY(16) NULL;
ALTER TABLE `cart` CHANGE COLUMN `country_id` `country_id` BINARY(16) NULL;
ALTER TABLE `cart` CHANGE COLUMN `sales_channel_id` `sales_channel_id` BINARY(16) NULL;
ALTER TABLE `cart` DROP COLUMN `price`;
ALTER TABLE `cart` DROP COLUMN `line_item_count`;
ALTER TABLE `cart` DROP COLUMN `currency_id`;
ALTER TABLE `cart` DROP COLUMN `shipping_method_id`;
ALTER TABLE `cart` DROP COLUMN `customer_id`;
ALTER TABLE `cart` DROP COLUMN `payment_method_id`;
ALTER TABLE `cart` DROP COLUMN `country_id`;
ALTER TABLE `cart` DROP COLUMN `sales_channel_id`;
ALTER TABLE `cart` DROP COLUMN `updated_at`;
-- V6_6/Migration1718658881AddValidationDataToOrderTransaction (MigrationStep::addColumn)
ALTER TABLE `order_transaction` ADD COLUMN `validation_data` JSON NULL DEFAULT NULL;
-- V6_6/Migration1720094362AddStateForeignKeyToOrderDelivery
-- V6_6/Migration1720094363AddStateForeignKeyToOrder
ALTER TABLE `order_delivery` ADD CONSTRAINT `fk.order_delivery.state_id` FOREIGN KEY (`state_id`) REFERENCES `state_machine_state` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `order` ADD CONSTRAINT `fk.order.state_id` FOREIGN KEY (`state_id`) REFERENCES `state_machine_state` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
SET FOREIGN_KEY_CHECKS=1;
