-- The emails of a thread download (t.mbox.gz, t.atom), as public-inbox forms one (PublicInbox::Over::get_thread):
-- every message connected to `mid` through References and In-Reply-To in either direction, through missing
-- (ghost) messages too, plus every message of the same subject key; in the first list holding it (`list_slug`,
-- or NULL for every list). A function so each backend plans its statements once (PL/pgSQL's plan cache):
-- planned per request, the recursive walk cost more to plan than to run (PGlite: 6-9 ms of 11-15).
CREATE FUNCTION thread_download_ids(list_slug text, mid text) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  t_list bigint;
  t_key text;
BEGIN
  SELECT e.mailing_list_id, thread_subject_key(e.subject) INTO t_list, t_key
    FROM emails e JOIN mailing_lists l ON l.id = e.mailing_list_id
    WHERE e.message_id = mid AND (list_slug IS NULL OR l.slug = list_slug)
    ORDER BY l.id LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  -- each step looks the working set's neighbours up by index (a lateral per id: a join of all edges made the
  -- planner hash every reference of the list on each step)
  RETURN QUERY
    WITH RECURSIVE component(message_id) AS (
      SELECT mid
      UNION
      SELECT n.message_id FROM component c CROSS JOIN LATERAL (
        SELECT r.referenced_message_id FROM emails e JOIN email_references r ON r.email_id = e.id
          WHERE e.mailing_list_id = t_list AND e.message_id = c.message_id
        UNION ALL SELECT e.in_reply_to FROM emails e
          WHERE e.mailing_list_id = t_list AND e.message_id = c.message_id AND e.in_reply_to IS NOT NULL
        UNION ALL SELECT e.message_id FROM email_references r JOIN emails e ON e.id = r.email_id
          WHERE r.referenced_message_id = c.message_id AND e.mailing_list_id = t_list
        UNION ALL SELECT e.message_id FROM emails e
          WHERE e.mailing_list_id = t_list AND e.in_reply_to = c.message_id
      ) AS n(message_id)
    )
    SELECT e.id FROM emails e
      WHERE e.mailing_list_id = t_list AND e.message_id = ANY (ARRAY(SELECT message_id FROM component))
    UNION
    SELECT e.id FROM emails e WHERE e.mailing_list_id = t_list AND thread_subject_key(e.subject) = t_key;
END
$$;
