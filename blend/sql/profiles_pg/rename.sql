update profiles set name = %(name)s where profile_id = %(profile_id)s
