// Generated from server/src/modules/leads/lead-catalog.ts by `npm run generate`: do not edit.

export const leadCatalog = [
  {
    "key": "id",
    "type": "uuid",
    "display": "id",
    "label": "ID",
    "access": "system",
    "required": true,
    "export": true
  },
  {
    "key": "name",
    "type": "text",
    "display": "text",
    "label": "Name",
    "access": "always",
    "required": true,
    "search": true,
    "export": true,
    "import": {
      "multi": true,
      "aliases": [
        "name",
        "fullname",
        "leadname",
        "contactname",
        "customername",
        "dealname",
        "opportunityname",
        "contact"
      ]
    },
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "sort": {
      "by": "name"
    }
  },
  {
    "key": "companyName",
    "type": "text",
    "display": "text",
    "label": "Company",
    "access": "controlled",
    "search": true,
    "export": true,
    "import": {
      "aliases": [
        "company",
        "companyname",
        "account",
        "accountname",
        "organization",
        "organisation",
        "associatedcompany",
        "business"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "companyName"
    }
  },
  {
    "key": "emails",
    "type": "text[]",
    "display": "emails",
    "label": "Emails",
    "access": "controlled",
    "required": true,
    "search": true,
    "export": true,
    "import": {
      "target": "email",
      "multi": true,
      "aliases": [
        "email",
        "emailaddress",
        "email1",
        "email2",
        "workemail",
        "primaryemail",
        "secondaryemail",
        "mail"
      ]
    },
    "merge": "union",
    "condition": "list",
    "timeline": true
  },
  {
    "key": "phones",
    "type": "text[]",
    "display": "phones",
    "label": "Phones",
    "access": "controlled",
    "required": true,
    "search": true,
    "export": true,
    "import": {
      "target": "phone",
      "multi": true,
      "aliases": [
        "phone",
        "phonenumber",
        "mobile",
        "mobilephone",
        "mobilephonenumber",
        "mobilenumber",
        "mobileno",
        "phoneno",
        "cell",
        "cellphone",
        "telephone",
        "tel",
        "contactnumber",
        "whatsapp",
        "whatsappnumber",
        "whatsappphonenumber",
        "workphone",
        "homephone"
      ]
    },
    "merge": "union",
    "condition": "list",
    "timeline": true
  },
  {
    "key": "stage",
    "type": "text",
    "display": "stage",
    "label": "Stage",
    "access": "always",
    "required": true,
    "filter": {
      "kind": "keys"
    },
    "export": true,
    "import": {
      "aliases": [
        "leadstatus",
        "status",
        "stage",
        "dealstage",
        "leadstage",
        "pipelinestage"
      ]
    },
    "merge": "choose",
    "condition": "text",
    "report": "dimension",
    "sort": {
      "by": "stage"
    }
  },
  {
    "key": "source",
    "type": "text",
    "display": "source",
    "label": "Source",
    "access": "controlled",
    "required": true,
    "filter": {
      "kind": "keys"
    },
    "export": true,
    "import": {
      "aliases": [
        "leadsource",
        "source",
        "originalsource",
        "latestsource",
        "sourcechannel"
      ]
    },
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "source"
    }
  },
  {
    "key": "campaign",
    "type": "text",
    "display": "text",
    "label": "Campaign",
    "access": "controlled",
    "filter": {
      "kind": "text"
    },
    "export": true,
    "import": {
      "aliases": [
        "campaign",
        "campaignname",
        "adcampaignname",
        "utmcampaign"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "campaign"
    }
  },
  {
    "key": "product",
    "type": "text",
    "display": "text",
    "label": "Product",
    "access": "controlled",
    "filter": {
      "kind": "text"
    },
    "export": true,
    "import": {
      "aliases": [
        "product",
        "productname",
        "productinterest",
        "productc",
        "interestedin"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "product"
    }
  },
  {
    "key": "city",
    "type": "text",
    "display": "text",
    "label": "City",
    "access": "controlled",
    "filter": {
      "kind": "text"
    },
    "export": true,
    "import": {
      "aliases": [
        "city",
        "town",
        "ipcity"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "city"
    }
  },
  {
    "key": "state",
    "type": "text",
    "display": "text",
    "label": "State",
    "access": "controlled",
    "filter": {
      "kind": "text"
    },
    "export": true,
    "import": {
      "aliases": [
        "state",
        "stateregion",
        "province",
        "statecode",
        "ipstateregion"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "state"
    }
  },
  {
    "key": "country",
    "type": "text",
    "display": "text",
    "label": "Country",
    "access": "controlled",
    "filter": {
      "kind": "text"
    },
    "export": true,
    "import": {
      "aliases": [
        "country",
        "countryregion",
        "addresscountryregion",
        "countrycode",
        "ipcountry"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "country"
    }
  },
  {
    "key": "territory",
    "type": "text",
    "display": "text",
    "label": "Territory",
    "access": "controlled",
    "filter": {
      "kind": "text"
    },
    "export": true,
    "import": {
      "aliases": [
        "territory",
        "salesterritory",
        "regionc",
        "zone"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "territory"
    }
  },
  {
    "key": "expectedValue",
    "type": "numeric",
    "display": "money",
    "label": "Expected value",
    "access": "controlled",
    "filter": {
      "kind": "range"
    },
    "export": true,
    "import": {
      "aliases": [
        "expectedvalue",
        "amount",
        "dealvalue",
        "dealamount",
        "value",
        "closevalue",
        "opportunityamount"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "number",
    "timeline": true,
    "report": "measure",
    "sort": {
      "by": "expectedValue"
    }
  },
  {
    "key": "currency",
    "type": "text",
    "display": "currency",
    "label": "Currency",
    "access": "controlled",
    "filter": {
      "kind": "keys"
    },
    "export": true,
    "import": {
      "aliases": [
        "currency",
        "currencycode",
        "currencyisocode"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "currency"
    }
  },
  {
    "key": "expectedCloseDate",
    "type": "date",
    "display": "date",
    "label": "Expected close date",
    "access": "controlled",
    "filter": {
      "kind": "range"
    },
    "export": true,
    "import": {
      "aliases": [
        "expectedclosedate",
        "closedate",
        "expectedclose",
        "closingdate"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "date",
    "timeline": true,
    "report": "time",
    "sort": {
      "by": "expectedCloseDate"
    }
  },
  {
    "key": "tags",
    "type": "text[]",
    "display": "tags",
    "label": "Tags",
    "access": "controlled",
    "required": true,
    "filter": {
      "kind": "keys"
    },
    "export": true,
    "import": {
      "multi": true,
      "aliases": [
        "tags",
        "tag",
        "labels"
      ]
    },
    "merge": "union",
    "condition": "list",
    "timeline": true,
    "report": "dimension"
  },
  {
    "key": "notes",
    "type": "text",
    "display": "longtext",
    "label": "Notes",
    "access": "controlled",
    "export": true,
    "import": {
      "multi": true,
      "aliases": [
        "notes",
        "note",
        "description",
        "comments",
        "comment",
        "message",
        "remarks"
      ]
    },
    "fill": true,
    "merge": "choose",
    "condition": "text",
    "timeline": true
  },
  {
    "key": "lostReason",
    "type": "text",
    "display": "longtext",
    "label": "Lost reason",
    "access": "controlled",
    "filter": {
      "kind": "text"
    },
    "export": true,
    "import": {
      "aliases": [
        "lostreason",
        "reasonlost",
        "closedlostreason",
        "lossreason"
      ]
    },
    "merge": "choose",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "lostReason"
    }
  },
  {
    "key": "ownerId",
    "type": "uuid",
    "display": "user",
    "label": "Owner",
    "access": "assignment",
    "filter": {
      "kind": "keys"
    },
    "export": true,
    "namedAs": "ownerName",
    "import": {
      "target": "owner",
      "aliases": [
        "owner",
        "leadowner",
        "contactowner",
        "assignedto",
        "salesagent",
        "salesrep",
        "salesperson",
        "agent"
      ]
    },
    "merge": "choose",
    "report": "dimension",
    "sort": {
      "by": "ownerName"
    }
  },
  {
    "key": "warriorIds",
    "type": "uuid[]",
    "display": "users",
    "label": "Warriors",
    "access": "assignment",
    "required": true,
    "filter": {
      "kind": "keys",
      "param": "warriorId"
    },
    "export": true,
    "namedAs": "warriors",
    "merge": "union",
    "timeline": true,
    "report": "dimension"
  },
  {
    "key": "coSalesIds",
    "type": "uuid[]",
    "display": "users",
    "label": "Co-sales",
    "access": "assignment",
    "required": true,
    "filter": {
      "kind": "keys",
      "param": "coSalesId"
    },
    "export": true,
    "namedAs": "coSales",
    "merge": "union",
    "timeline": true,
    "report": "dimension"
  },
  {
    "key": "partnerId",
    "type": "uuid",
    "display": "partner",
    "label": "Partner",
    "access": "assignment",
    "filter": {
      "kind": "keys"
    },
    "export": true,
    "namedAs": "partnerName",
    "merge": "choose",
    "condition": "text",
    "timeline": true,
    "report": "dimension",
    "sort": {
      "by": "partnerName"
    }
  },
  {
    "key": "customFields",
    "type": "jsonb",
    "display": "custom",
    "label": "Custom fields",
    "access": "controlled",
    "required": true,
    "export": true,
    "import": {
      "aliases": []
    },
    "fill": true,
    "timeline": true
  },
  {
    "key": "createdBy",
    "type": "uuid",
    "display": "user",
    "label": "Created by",
    "access": "system",
    "export": true,
    "filter": {
      "kind": "keys"
    },
    "report": "dimension"
  },
  {
    "key": "createdVia",
    "type": "text",
    "display": "channel",
    "label": "Created via",
    "access": "system",
    "required": true,
    "export": true,
    "report": "dimension"
  },
  {
    "key": "createdAt",
    "type": "timestamptz",
    "display": "datetime",
    "label": "Created at",
    "access": "system",
    "required": true,
    "filter": {
      "kind": "range"
    },
    "export": true,
    "import": {
      "aliases": [
        "createdat",
        "createddate",
        "createdate",
        "created",
        "createdtime",
        "createdon",
        "datecreated",
        "creationdate",
        "engagedate",
        "leadcreateddate",
        "dealcreated",
        "objectcreatedatetime"
      ]
    },
    "report": "time",
    "sort": {
      "by": "createdAt"
    }
  },
  {
    "key": "updatedAt",
    "type": "timestamptz",
    "display": "datetime",
    "label": "Updated at",
    "access": "system",
    "required": true,
    "filter": {
      "kind": "range"
    },
    "export": true,
    "report": "time",
    "sort": {
      "by": "updatedAt"
    }
  },
  {
    "key": "stageChangedAt",
    "type": "timestamptz",
    "display": "datetime",
    "label": "In stage since",
    "access": "system",
    "required": true,
    "filter": {
      "kind": "range"
    },
    "export": true,
    "import": {
      "target": "closedAt",
      "label": "Closed at (won or lost)",
      "stageKinds": [
        "won",
        "lost"
      ],
      "aliases": [
        "closedat",
        "closeddate",
        "dateclosed",
        "closedon",
        "actualclosedate",
        "wonat",
        "wondate",
        "wontime",
        "lostat",
        "lostdate",
        "losttime",
        "closedwondate",
        "closedlostdate"
      ]
    },
    "report": "time",
    "sort": {
      "by": "stageChangedAt"
    }
  },
  {
    "key": "lastTouchedAt",
    "type": "timestamptz",
    "display": "datetime",
    "label": "Last worked at",
    "access": "system",
    "required": true,
    "filter": {
      "kind": "range"
    },
    "export": true,
    "report": "time",
    "sort": {
      "by": "lastTouchedAt"
    }
  },
  {
    "key": "version",
    "type": "integer",
    "display": "integer",
    "label": "Version",
    "access": "system",
    "required": true,
    "export": true
  },
  {
    "key": "score",
    "type": "integer",
    "display": "integer",
    "label": "Score",
    "access": "system",
    "filter": {
      "kind": "range"
    },
    "export": true,
    "sort": {
      "by": "score"
    }
  },
  {
    "key": "scoreTier",
    "type": "text",
    "display": "tier",
    "label": "Score tier",
    "access": "system",
    "options": [
      "hot",
      "warm",
      "cold"
    ],
    "filter": {
      "kind": "keys"
    },
    "export": true
  }
] as const;

export type LeadCatalogField = (typeof leadCatalog)[number];
export type LeadFieldKey = LeadCatalogField['key'];

export const leadSources = ["manual","import","api","web_form","facebook","whatsapp","partner","erp","referral","other"] as const;

export const leadSourceLabels: Record<(typeof leadSources)[number], string> = {
  "manual": "Manual",
  "import": "Import",
  "api": "API",
  "web_form": "Web form",
  "facebook": "Facebook",
  "whatsapp": "WhatsApp",
  "partner": "Partner",
  "erp": "ERP",
  "referral": "Referral",
  "other": "Other"
};
