-- Creates the example's customers table and a reader role in your PostgreSQL database:
--   psql "host=127.0.0.1 dbname=shop user=postgres" -f setup/postgres.sql
-- then export SHOP_DB_PASSWORD=change-me (or the password you set below).
create table if not exists public.customers (
  customer_id bigint primary key,
  name        text not null,
  region      text not null,
  updated_at  timestamp not null default now()
);
create index if not exists customers_cursor on public.customers (updated_at, customer_id);
insert into public.customers (customer_id, name, region, updated_at) values
  (1, 'Ada',   'north', '2026-11-30 08:00:00'),
  (2, 'Brook', 'south', '2026-11-30 08:05:00'),
  (3, 'Cai',   'east',  '2026-11-30 08:10:00'),
  (4, 'Dara',  'west',  '2026-11-30 08:15:00')
on conflict (customer_id) do nothing;
do $$
begin
  if not exists (select from pg_roles where rolname = 'sluice_reader') then
    create role sluice_reader login password 'change-me';
  end if;
end $$;
grant select on public.customers to sluice_reader;
