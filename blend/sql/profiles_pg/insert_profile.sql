insert into profiles (profile_id, name, edit_key_sha256, created_at, file_name, rows_read,
                      duplicate_rows, date_order, date_order_ambiguous, build_id, notes)
values (%(profile_id)s, %(name)s, %(edit_key_sha256)s, %(created_at)s, %(file_name)s,
        %(rows_read)s, %(duplicate_rows)s, %(date_order)s, %(date_order_ambiguous)s,
        %(build_id)s, %(notes)s)
