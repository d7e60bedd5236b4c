-- exactly the items whose key is in item_keys are hidden
update profile_items set hidden = (item_key = any(%(item_keys)s))
where profile_id = %(profile_id)s
