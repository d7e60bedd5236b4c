insert into blend_members values ($blend_id, $profile_id, $joined_at)
