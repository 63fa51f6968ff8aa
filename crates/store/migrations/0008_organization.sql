-- The OGRN of the organization an account's owner acts for as its officer (director, or by a
-- power of attorney), from the profile: an officer's qualified certificate names it, and binds
-- only to an account that names the same one.
ALTER TABLE accounts ADD COLUMN ogrn TEXT;
