-- the profile's items, viewings and memberships go with it (on delete cascade)
delete from profiles where profile_id = %(profile_id)s
