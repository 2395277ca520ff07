/**
 * The vocabulary of the demo pipeline: people, businesses, places, products and campaigns of an Indian B2B
 * sales team, and a small American one for Other Co. Plain data; demo-leads.ts draws from it.
 */

/** A list written as words separated by white space. */
const words = (text: string) => text.trim().split(/\s+/);
/** A list written as items separated by commas, for items of several words. */
const list = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export type Region = 'west' | 'north' | 'south' | 'east';

export interface Place {
  city: string;
  state: string;
  region: Region;
  /** How often leads come from here, relative to the others. */
  weight: number;
}

export const territoryOf: Record<Region, string> = { west: 'West', north: 'North', south: 'South', east: 'East' };

export const indianPlaces: Place[] = [
  { city: 'Mumbai', state: 'Maharashtra', region: 'west', weight: 14 },
  { city: 'Pune', state: 'Maharashtra', region: 'west', weight: 10 },
  { city: 'Thane', state: 'Maharashtra', region: 'west', weight: 4 },
  { city: 'Nagpur', state: 'Maharashtra', region: 'west', weight: 3 },
  { city: 'Nashik', state: 'Maharashtra', region: 'west', weight: 2 },
  { city: 'Panaji', state: 'Goa', region: 'west', weight: 2 },
  { city: 'Margao', state: 'Goa', region: 'west', weight: 1 },
  { city: 'Ahmedabad', state: 'Gujarat', region: 'west', weight: 6 },
  { city: 'Surat', state: 'Gujarat', region: 'west', weight: 4 },
  { city: 'Vadodara', state: 'Gujarat', region: 'west', weight: 2 },
  { city: 'Indore', state: 'Madhya Pradesh', region: 'west', weight: 3 },
  { city: 'Bhopal', state: 'Madhya Pradesh', region: 'west', weight: 1 },
  { city: 'New Delhi', state: 'Delhi', region: 'north', weight: 8 },
  { city: 'Gurugram', state: 'Haryana', region: 'north', weight: 4 },
  { city: 'Noida', state: 'Uttar Pradesh', region: 'north', weight: 3 },
  { city: 'Lucknow', state: 'Uttar Pradesh', region: 'north', weight: 3 },
  { city: 'Jaipur', state: 'Rajasthan', region: 'north', weight: 4 },
  { city: 'Chandigarh', state: 'Chandigarh', region: 'north', weight: 2 },
  { city: 'Ludhiana', state: 'Punjab', region: 'north', weight: 2 },
  { city: 'Bengaluru', state: 'Karnataka', region: 'south', weight: 12 },
  { city: 'Mysuru', state: 'Karnataka', region: 'south', weight: 1 },
  { city: 'Chennai', state: 'Tamil Nadu', region: 'south', weight: 7 },
  { city: 'Coimbatore', state: 'Tamil Nadu', region: 'south', weight: 3 },
  { city: 'Hyderabad', state: 'Telangana', region: 'south', weight: 8 },
  { city: 'Visakhapatnam', state: 'Andhra Pradesh', region: 'south', weight: 2 },
  { city: 'Kochi', state: 'Kerala', region: 'south', weight: 3 },
  { city: 'Thiruvananthapuram', state: 'Kerala', region: 'south', weight: 1 },
  { city: 'Kolkata', state: 'West Bengal', region: 'east', weight: 5 },
  { city: 'Bhubaneswar', state: 'Odisha', region: 'east', weight: 2 },
  { city: 'Patna', state: 'Bihar', region: 'east', weight: 1 },
  { city: 'Guwahati', state: 'Assam', region: 'east', weight: 1 },
];

/** Names by region; a share of leads anywhere take names from the whole country, as people move. */
export const firstNames: Record<Region, string[]> = {
  west: words(`
Omkar Tushar Nilesh Vinayak Shrikant Sachin Hitesh Jignesh Chirag Mihir Parth Ketan Vaishali Madhuri
Sayali Hetal Komal Rupal Bhavna Prajakta Mrunal Aniket
`),
  north: words(`
Rahul Amit Saurabh Gaurav Abhishek Vivek Ankit Gurpreet Harpreet Manpreet Jaspreet Imran Salman Neha
Priyanka Shweta Swati Sakshi Simran Harleen Ayesha
`),
  south: words(`
Venkatesh Srinivas Karthik Senthil Murugan Balaji Harish Naveen Pradeep Joseph Thomas Anand Lakshmi
Revathi Meenakshi Divya Padma Aishwarya Nandini Deepa Mary
`),
  east: words(`
Sourav Subhash Debashish Anirban Bikash Arindam Sumit Rajib Moumita Sreya Ananya Rituparna Payel
Sonali Pallavi
`),
};

export const lastNames: Record<Region, string[]> = {
  west: words(`
Patil Deshmukh Kulkarni Joshi Pawar Jadhav Shinde Gaikwad Patel Shah Mehta Desai Parikh Naik Sawant
Kamat Fernandes Dsouza Jain Agrawal
`),
  north: words(`
Sharma Verma Gupta Agarwal Singh Chauhan Yadav Mishra Tiwari Srivastava Saxena Kapoor Khanna Gill
Sandhu Dhillon Khan Qureshi Ansari Siddiqui
`),
  south: words(`
Reddy Rao Naidu Iyer Iyengar Nair Menon Pillai Krishnan Subramanian Raghavan Gowda Shetty Hegde
Kumar Mathew George Varghese
`),
  east: words(`
Banerjee Chatterjee Mukherjee Das Ghosh Bose Sen Mohanty Patnaik Sinha Jha Borah Dutta
`),
};

export const companyPrefixes = list(`
Shree Balaji, Sri Sai, Jai Ambe, Om Sai, Maa Durga, Laxmi, Ganesh, Krishna, Shiv Shakti, Nexa, Apex,
Vertex, Zenith, Pinnacle, Udaan, Royal, Global, Prime, Unity, Silverline, Bluestone, Greenfield,
Everest, Kaveri, Narmada, Sahyadri, Deccan, Coastal, Metro, Star, Trident, Orbit, Aarav, Vedant,
Shubh, Navkar, Mahalaxmi, Anand, Pragati, Swastik
`);

export const companyTrades = list(`
Traders, Infotech, Enterprises, Pharma, Textiles, Steels, Agro Foods, Logistics, Motors, Electricals,
Builders, Healthcare, Polymers, Auto Components, Solar Solutions, Furnishings, Jewellers, Ceramics,
Hardware, Chemicals, Packaging, Realty, Academy, Hospitality, Distributors, Engineering Works,
Garments, Spices, Dairy, Software Labs
`);

export const companySuffixes = ['', '', '', 'Pvt Ltd', 'Pvt Ltd', 'LLP', '& Co', 'Pvt. Ltd.', 'Private Limited'];

export interface Product {
  name: string;
  /** Deal size in rupees: from, to. */
  value: [number, number];
  weight: number;
}

export const products: Product[] = [
  { name: 'CRM Starter', value: [25_000, 150_000], weight: 30 },
  { name: 'CRM Growth', value: [100_000, 600_000], weight: 25 },
  { name: 'CRM Enterprise', value: [500_000, 2_500_000], weight: 8 },
  { name: 'Field Sales App', value: [50_000, 400_000], weight: 15 },
  { name: 'WhatsApp Connector', value: [25_000, 100_000], weight: 14 },
  { name: 'Tally Integration', value: [40_000, 200_000], weight: 8 },
];

/** Where leads come from, how often, and the campaigns each brings them under. */
export const sources = [
  { source: 'web_form', weight: 22, campaigns: ['Website enquiry', 'Diwali Offer 2026', 'Google Ads - Pune'] },
  { source: 'facebook', weight: 14, campaigns: ['Facebook - SME Owners', 'Diwali Offer 2026'] },
  { source: 'api', weight: 10, campaigns: ['IndiaMART Leads', 'TradeIndia Enquiries'] },
  { source: 'import', weight: 12, campaigns: ['Trade Expo Mumbai', 'JustDial Enquiries', 'IndiaMART Leads'] },
  { source: 'manual', weight: 16, campaigns: ['Cold Calling - Q3', 'Google Ads - Bengaluru', null] },
  { source: 'whatsapp', weight: 8, campaigns: ['WhatsApp Broadcast - Festive', null] },
  { source: 'referral', weight: 8, campaigns: ['Customer Referral'] },
  { source: 'erp', weight: 4, campaigns: ['Tally Customers Upsell'] },
  { source: 'other', weight: 3, campaigns: [null] },
] as const;

export const tagsPool = words(`
hot follow-up decision-maker budget-approved sme enterprise gst-registered multi-branch
repeat-customer price-sensitive demo-done needs-hindi-ui
`);

export const lostReasons = [
  'Budget constraints',
  'Chose a competitor',
  'No response after several follow-ups',
  'Not the decision maker',
  'Timing: revisit next quarter',
  'Requirement mismatch',
  'Price too high',
  'Building an in-house solution',
  'Duplicate enquiry',
];

/** What salespeople write on a lead, by what has happened to it. `{first}` is the contact's first name. */
export const noteTexts = {
  new: [
    'Called {first}, no answer. Will try again tomorrow morning.',
    'Sent the brochure and pricing on WhatsApp as requested.',
    '{first} asked for a call back after 4 pm; busy with month-end closing.',
  ],
  demo: [
    'Demo done with {first} and their accounts head. Liked the mobile app; asked about Tally sync.',
    'Demo scheduled for next week; {first} wants the field team lead to join.',
    'Showed the pipeline board and reports. Concern about data migration from Excel.',
  ],
  proposal: [
    'Proposal sent for {seats} users, annual billing. {first} to discuss with the partners.',
    'Revised quote shared with 10% festive discount. Waiting for the PO.',
    '{first} compared us with two other vendors; our WhatsApp integration is the deciding point.',
  ],
  trial: [
    'Trial accounts created for {seats} users. Follow up on day 7 for feedback.',
    'Trial going well: {first} says the team logs visits daily now.',
    'Helped {first} import 2,000 contacts during the trial.',
  ],
  won: [
    'PO received. Onboarding call fixed with {first} for Monday.',
    'Closed! Payment received by NEFT; invoice sent with GST details.',
  ],
  lost: [
    '{first} decided to hold the purchase this year.',
    'Went with a cheaper local vendor. Keep in touch for next year.',
  ],
} as const;

/** Other Co: a small American pipeline, to show that tenants never see each other. */
export const usLeads = [
  { name: 'Jessica Miller', company: 'Brightline Logistics LLC', city: 'Austin', state: 'Texas', phone: '512' },
  { name: 'Michael Johnson', company: 'Harbor Point Dental', city: 'Boston', state: 'Massachusetts', phone: '617' },
  { name: 'Ashley Thompson', company: 'Summit Ridge Realty', city: 'Denver', state: 'Colorado', phone: '303' },
  { name: 'Christopher Davis', company: 'Lakeshore Auto Group', city: 'Chicago', state: 'Illinois', phone: '312' },
  { name: 'Amanda Garcia', company: 'Evergreen Home Services', city: 'Seattle', state: 'Washington', phone: '206' },
  { name: 'Daniel Wilson', company: 'Peachtree Insurance Partners', city: 'Atlanta', state: 'Georgia', phone: '404' },
  { name: 'Megan Anderson', company: 'Pacific Crest Solar', city: 'San Diego', state: 'California', phone: '619' },
  { name: 'Kevin Martinez', company: 'Hudson Valley Outfitters', city: 'New York', state: 'New York', phone: '212' },
];

export const usTerritory: Record<string, string> = {
  Texas: 'South',
  Massachusetts: 'Northeast',
  Colorado: 'West',
  Illinois: 'Midwest',
  Washington: 'West',
  Georgia: 'South',
  California: 'West',
  'New York': 'Northeast',
};

/** The short brief a salesperson keeps on the lead itself. */
export const leadBriefs = [
  'Needs a CRM for {seats} field executives around {city}.',
  'Tracks enquiries in Excel and WhatsApp groups today; wants one place for follow-ups.',
  'Wants GST-ready quotations and a sync with Tally.',
  'Owner-driven business: the decision comes within a week of the demo.',
  'Asked for Hindi screens for the field team.',
  'Has {seats} dealers to onboard; interested in the partner portal.',
];
