delete from profile_viewings where profile_id = $profile_id;
delete from profile_items where profile_id = $profile_id;
delete from blend_members where profile_id = $profile_id;
delete from profiles where profile_id = $profile_id;
