-- Accounts carry their RGS code and version. See
-- migrations/postgres/00017_account_rgs.sql. SQLite adds the columns with
-- their checks (ADD COLUMN takes a column CHECK), written with GLOB to
-- accept exactly what PostgreSQL's regular expressions accept: a code is B
-- or W and up to 19 ASCII letters or digits; a version is one or two digits,
-- a dot, one or two digits (not 1.2.3); and a version comes with a code.

-- +goose Up
ALTER TABLE accounts ADD COLUMN rgs_code TEXT NOT NULL DEFAULT ''
    CHECK (rgs_code = '' OR (length(rgs_code) <= 20 AND rgs_code GLOB '[BW]*' AND rgs_code NOT GLOB '*[^A-Za-z0-9]*'));
ALTER TABLE accounts ADD COLUMN rgs_version TEXT NOT NULL DEFAULT ''
    CHECK ((rgs_version = '' OR rgs_version GLOB '[0-9].[0-9]' OR rgs_version GLOB '[0-9][0-9].[0-9]'
            OR rgs_version GLOB '[0-9].[0-9][0-9]' OR rgs_version GLOB '[0-9][0-9].[0-9][0-9]')
           AND ((rgs_code = '') = (rgs_version = '')));
UPDATE accounts SET rgs_code = 'BLimBanRba', rgs_version = '3.8' WHERE code = '1000' AND name = 'Bank' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BLimKasKas', rgs_version = '3.8' WHERE code = '1010' AND name = 'Cash' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BLimBanRba', rgs_version = '3.8' WHERE code = '1020' AND name = 'Revaluation of foreign currency bank balances' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BVorDebHad', rgs_version = '3.8' WHERE code = '1100' AND name = 'Accounts receivable' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BVorDebHad', rgs_version = '3.8' WHERE code = '1110' AND name = 'Revaluation of receivables' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BSchBepBtwVoo', rgs_version = '3.8' WHERE code = '1200' AND name = 'VAT receivable' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BVorOva', rgs_version = '3.8' WHERE code = '1300' AND name = 'Prepaid expenses' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BMva', rgs_version = '3.8' WHERE code = '1500' AND name = 'Fixed assets' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BSchCreHac', rgs_version = '3.8' WHERE code = '1600' AND name = 'Accounts payable' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BSchCreHac', rgs_version = '3.8' WHERE code = '1610' AND name = 'Revaluation of payables' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BSchBepBtw', rgs_version = '3.8' WHERE code = '1700' AND name = 'VAT payable' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BSchBepBtwAfo', rgs_version = '3.8' WHERE code = '1750' AND name = 'VAT settlement' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BSchOpa', rgs_version = '3.8' WHERE code = '1800' AND name = 'Accrued liabilities' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BEivGok', rgs_version = '3.8' WHERE code = '2000' AND name = 'Share capital' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'BEivOre', rgs_version = '3.8' WHERE code = '2100' AND name = 'Retained earnings' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WPerLes', rgs_version = '3.8' WHERE code = '4000' AND name = 'Wages and salaries' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WBedHui', rgs_version = '3.8' WHERE code = '4100' AND name = 'Rent' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WBedKan', rgs_version = '3.8' WHERE code = '4200' AND name = 'Office expenses' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WBedAlk', rgs_version = '3.8' WHERE code = '4300' AND name = 'Travel expenses' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WFbe', rgs_version = '3.8' WHERE code = '4400' AND name = 'Bank charges' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WBedAlk', rgs_version = '3.8' WHERE code = '4500' AND name = 'General expenses' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WBedAdlBov', rgs_version = '3.8' WHERE code = '4900' AND name = 'Rounding differences' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WKpr', rgs_version = '3.8' WHERE code = '7000' AND name = 'Cost of sales' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WOmzNopOlh', rgs_version = '3.8' WHERE code = '8000' AND name = 'Revenue' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WOmzNopOlv', rgs_version = '3.8' WHERE code = '8100' AND name = 'Revenue, reduced VAT rate' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WOmzNopOlg', rgs_version = '3.8' WHERE code = '8200' AND name = 'Revenue, zero-rated and VAT reverse charged' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WOmzNopNod', rgs_version = '3.8' WHERE code = '8250' AND name = 'Revenue, exempt from VAT' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WOmzNopOli', rgs_version = '3.8' WHERE code = '8300' AND name = 'Revenue, intra-EU supplies of goods' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WOmzNodOdi', rgs_version = '3.8' WHERE code = '8310' AND name = 'Revenue, services to other EU countries' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WOmzNopOln', rgs_version = '3.8' WHERE code = '8400' AND name = 'Revenue, exports outside the EU' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WOmzNodOdg', rgs_version = '3.8' WHERE code = '8410' AND name = 'Revenue, services outside the EU' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WBedAdlVal', rgs_version = '3.8' WHERE code = '8900' AND name = 'Foreign exchange gains and losses' AND rgs_code = '';
UPDATE accounts SET rgs_code = 'WBedAdlVal', rgs_version = '3.8' WHERE code = '8910' AND name = 'Unrealised exchange results' AND rgs_code = '';

-- +goose Down
ALTER TABLE accounts DROP COLUMN rgs_version;
ALTER TABLE accounts DROP COLUMN rgs_code;
