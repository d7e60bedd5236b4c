insert into schema_migrations (version, name) values (%(version)s, %(name)s)
