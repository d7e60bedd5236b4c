select item_key from profile_items where profile_id = $profile_id and hidden
