import type { Pool } from "@neondatabase/serverless";

/**
 * Everything a migration can change, one text line per object: relations, columns (type, null, default,
 * identity), constraints, indexes, types and enum labels, extensions, functions, sequences, operator classes
 * and access methods. The bookkeeping schema `drizzle` is left out: it records migrations, it is not one.
 */
const CATALOG = `
select 'class' k, n.nspname||'.'||c.relname||':'||c.relkind::text v from pg_class c join pg_namespace n on n.oid=c.relnamespace where n.nspname not in ('pg_catalog','information_schema','pg_toast','drizzle')
union all select 'attr', n.nspname||'.'||c.relname||'.'||a.attname||':'||format_type(a.atttypid,a.atttypmod)||':'||a.attnotnull||':'||coalesce(pg_get_expr(d.adbin,d.adrelid),'')||':'||a.attidentity::text||':'||a.attgenerated::text from pg_attribute a join pg_class c on c.oid=a.attrelid join pg_namespace n on n.oid=c.relnamespace left join pg_attrdef d on d.adrelid=a.attrelid and d.adnum=a.attnum where n.nspname not in ('pg_catalog','information_schema','pg_toast','drizzle') and a.attnum>0 and not a.attisdropped
union all select 'con', conrelid::regclass::text||'.'||conname||':'||pg_get_constraintdef(oid) from pg_constraint where connamespace not in ('pg_catalog'::regnamespace,'information_schema'::regnamespace) and connamespace::regnamespace::text <> 'drizzle'
union all select 'idx', pg_get_indexdef(indexrelid) from pg_index i join pg_class c on c.oid=i.indexrelid join pg_namespace n on n.oid=c.relnamespace where n.nspname not in ('pg_catalog','information_schema','pg_toast','drizzle')
union all select 'type', n.nspname||'.'||t.typname||':'||t.typtype::text from pg_type t join pg_namespace n on n.oid=t.typnamespace where n.nspname not in ('pg_catalog','information_schema','pg_toast','drizzle')
union all select 'enum', t.typname||':'||e.enumsortorder::text||':'||e.enumlabel from pg_enum e join pg_type t on t.oid=e.enumtypid
union all select 'ext', extname||':'||extversion from pg_extension
union all select 'proc', n.nspname||'.'||p.proname||'('||pg_get_function_identity_arguments(p.oid)||'):'||p.provolatile::text||':'||p.prorows||':'||md5(p.prosrc) from pg_proc p join pg_namespace n on n.oid=p.pronamespace where n.nspname not in ('pg_catalog','information_schema','drizzle')
union all select 'seq', seqrelid::regclass::text||':'||seqtypid::regtype::text||':'||seqstart||':'||seqincrement from pg_sequence s join pg_class c on c.oid=s.seqrelid join pg_namespace n on n.oid=c.relnamespace where n.nspname <> 'drizzle'
union all select 'opc', opcname from pg_opclass where opcnamespace <> 'pg_catalog'::regnamespace
union all select 'am', amname from pg_am
union all select 'schema', nspname from pg_namespace where nspname not like 'pg_%' and nspname not in ('information_schema','drizzle')
order by 1,2`;

export async function catalogSnapshot(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ k: string; v: string }>(CATALOG);
  return rows.map((r) => `${r.k} ${r.v}`);
}
