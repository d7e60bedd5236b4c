insert into profiles values ($profile_id, $name, $edit_key_sha256, $created_at, $file_name,
    $rows_read, $duplicate_rows, $date_order, $date_order_ambiguous, $build_id)
