"""The statements ``bench/seed.py`` fills a database with: one ``INSERT … SELECT`` over
``generate_series`` per table, with explicit keys (so rows can point at each other by
arithmetic) and the sequences moved past them at the end. Spreads come from ``mod()``
of the key; parameters are named (``%(n)s``), so no ``%`` appears otherwise."""

SURNAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "Andre", "Mercier",
    "Dupont", "Lambert", "Bonnet", "Francois", "Martinez", "Legrand", "Nguyen", "Benali",
]  # fmt: skip
FIRST_NAMES = [
    "Camille", "Lea", "Manon", "Chloe", "Ines", "Sarah", "Julie", "Nadia", "Emma", "Lucie",
    "Lucas", "Hugo", "Louis", "Nathan", "Karim", "Thomas", "Paul", "Yanis", "Jules", "Marc",
]  # fmt: skip
CITIES = ["Lyon", "Paris", "Marseille", "Lille", "Nantes", "Bordeaux", "Toulouse", "Strasbourg"]
TOPICS = [
    "Sauveteur secouriste du travail", "Habilitation électrique", "Management d'équipe",
    "Excel avancé", "Prévention des risques", "Gestes et postures", "Anglais professionnel",
    "Comptabilité", "Cariste CACES", "Droit du travail", "Hygiène alimentaire HACCP",
    "Communication", "Gestion de projet", "Sécurité incendie", "Bureautique",
]  # fmt: skip
ALLERGIES = ["Arachides et fruits à coque", "Gluten", "Lactose", "Crustacés", "Œufs"]
ADAPTATIONS = ["Fauteuil roulant : salle de plain-pied", "Malentendant : boucle magnétique"]
AUDIT_ACTIONS = [
    "records_viewed", "records_viewed", "records_viewed", "export_downloaded",
    "request_verified", "logistics_list_viewed", "hold_placed", "email_changed_by_staff",
]  # fmt: skip


def params(trainees: int, enrolments: int) -> dict:
    """The sizes every statement derives its counts from, and the lists it picks from."""
    from django.utils import timezone

    from core.schedule import RULES

    now = timezone.now()
    return {
        "n": trainees,
        "m": enrolments,
        "orgs": max(10, trainees // 50),
        "courses": max(5, min(300, enrolments // 5000)),
        "sessions": max(40, enrolments // 12),
        "trainers": 50,
        "now": now,
        "today": timezone.localdate(now),
        "surnames": SURNAMES,
        "first_names": FIRST_NAMES,
        "cities": CITIES,
        "topics": TOPICS,
        "actions": AUDIT_ACTIONS,
        "rules": [rule.name for rule in RULES],
    }


def ciphertexts() -> dict:
    """A few values encrypted with the configured key, reused row after row: every
    stored value decrypts, at the cost of a handful of encryptions."""
    from core.encryption import encrypt_text

    return {
        "allergies": [encrypt_text(text) for text in ALLERGIES],
        "adaptations": [encrypt_text(text) for text in ADAPTATIONS],
    }


ORGANISATIONS = """
INSERT INTO clients_organisation (id, name, registration_number, address, relationship,
    relationship_ended_on, last_contact_on, informs_its_employees, informs_its_employees_since,
    created_at, updated_at)
SELECT g, (%(cities)s::text[])[1 + mod(g, 8)] || ' Industrie ' || g || ' SAS',
       lpad(g::text, 9, '0'), g || ' rue de la République, ' || (%(cities)s::text[])[1 + mod(g, 8)],
       CASE WHEN mod(g, 10) = 0 THEN 'ended' WHEN mod(g, 10) IN (1, 2) THEN 'prospect'
            ELSE 'active' END,
       CASE WHEN mod(g, 10) = 0 THEN %(today)s::date - mod(g * 7, 1500) END,
       %(today)s::date - mod(g * 13, 1000), mod(g, 4) = 0,
       CASE WHEN mod(g, 4) = 0 THEN %(now)s - interval '200 days' END,
       %(now)s - mod(g, 2000) * interval '1 day', %(now)s
FROM generate_series(1, %(orgs)s) g
"""
CONTACTS = """
INSERT INTO clients_clientcontact (id, surname, first_name, email, job_title, department,
    postal_address, phone, notes, language, created_at, updated_at, organisation_id)
SELECT g, (%(surnames)s::text[])[1 + mod(g * 7, 32)], (%(first_names)s::text[])[1 + mod(g, 20)],
       'contact' || g || '@client' || ((g - 1) / 3 + 1) || '.example.com', 'Responsable formation',
       (ARRAY['training', 'hr', 'procurement', 'other'])[1 + mod(g, 4)], '', '', '', 'fr',
       %(now)s - mod(g, 2000) * interval '1 day', %(now)s, (g - 1) / 3 + 1
FROM generate_series(1, 3 * %(orgs)s) g
"""
COURSES = """
INSERT INTO training_course (id, code, title, description, duration_hours, price, nature,
    objectives)
SELECT g, 'F' || lpad(g::text, 4, '0'), (%(topics)s::text[])[1 + mod(g, 15)] || ' (' || g || ')',
       'Une formation pratique.', 7 * (1 + mod(g, 3)), 600 + 100 * mod(g, 10), 'training',
       'Savoir faire.'
FROM generate_series(1, %(courses)s) g
"""
TRAINERS = """
INSERT INTO training_trainer (id, name, email, status, company, created_at)
SELECT g, (%(first_names)s::text[])[1 + mod(g, 20)] || ' ' || (%(surnames)s::text[])[1 + mod(g, 32)],
       'formateur' || g || '@example.org',
       CASE WHEN mod(g, 3) = 0 THEN 'subcontractor' ELSE 'employee' END,
       CASE WHEN mod(g, 3) = 0 THEN 'Formateurs Associés' ELSE '' END, %(now)s
FROM generate_series(1, %(trainers)s) g
"""
# One session in 20 in the next six months; one in 400 ended just past the five-year
# limitation period (due tonight); the others ended in the last five years (0 to 1,819
# days before yesterday), so some ended yesterday, 90 to 93 days ago, etc.
SESSIONS = """
INSERT INTO training_session (id, start_date, end_date, location, format, capacity,
    meals_provided, course_id, trainer_id)
SELECT g, e - mod(g, 3), e, (%(cities)s::text[])[1 + mod(g, 8)],
       CASE mod(g, 10) WHEN 0 THEN 'online' WHEN 1 THEN 'blended' ELSE 'in_person' END,
       12, mod(g, 3) = 0, 1 + mod(g, %(courses)s),
       CASE WHEN mod(g, 7) <> 0 THEN 1 + mod(g, %(trainers)s) END
FROM (
    SELECT g, CASE
        WHEN mod(g, 20) = 0 THEN %(today)s::date + 1 + mod(g * 13, 180) + mod(g, 3)
        WHEN mod(g, 400) = 7 THEN (%(today)s::date - interval '5 years')::date - 2 - mod(g, 3)
        ELSE %(today)s::date - 1 - mod(g * 37, 1820) END AS e
    FROM generate_series(1, %(sessions)s) g
) AS x
"""
TRAINEES = """
INSERT INTO trainees_trainee (id, surname, first_name, email, phone, postal_address,
    occupation, diplomas_and_skills, notes, language, created_at, updated_at, employer_id)
SELECT g, (%(surnames)s::text[])[1 + mod(g, 32)], (%(first_names)s::text[])[1 + mod(g * 7, 20)],
       lower((%(first_names)s::text[])[1 + mod(g * 7, 20)]) || '.'
           || lower((%(surnames)s::text[])[1 + mod(g, 32)]) || g || '@example.org',
       '06' || lpad(mod(g::bigint * 7919, 100000000)::text, 8, '0'),
       g || ' avenue Jean Jaurès, 69007 Lyon',
       (ARRAY['Technicien', 'Assistante de direction', 'Cariste', 'Comptable', ''])[1 + mod(g, 5)],
       '', '', CASE WHEN mod(g, 10) = 0 THEN 'en' ELSE 'fr' END,
       %(now)s - (1850 + mod(g * 13, 200)) * interval '1 day', %(now)s,
       CASE WHEN mod(g, 5) < 2 THEN 1 + mod(g, %(orgs)s) END
FROM generate_series(1, %(n)s) g
"""
# Enrolment g is trainee t's k-th (t and k from g): its session, (t * 7919 + k) modulo
# the sessions, is different for each k, so nobody is enrolled twice on a session.
ENROLMENTS = """
INSERT INTO training_enrolment (id, source, employer_name, legal_basis, status, confirmation,
    confirmation_sent_at, confirmation_attempts, archived_at, created_at, updated_at, client_id,
    trainee_id, session_id, funding)
SELECT x.g, CASE WHEN t.employer_id IS NULL THEN 'self' ELSE 'employer' END, '', 'contract',
       CASE WHEN s.end_date < %(today)s THEN
                CASE WHEN mod(x.g, 10) = 0 THEN 'cancelled' WHEN mod(x.g, 20) = 1 THEN 'confirmed'
                     ELSE 'completed' END
            WHEN mod(x.g, 20) = 0 THEN 'cancelled' WHEN mod(x.g, 4) = 1 THEN 'pending'
            ELSE 'confirmed' END,
       CASE WHEN t.employer_id IS NULL THEN 'sent' ELSE 'not_needed' END,
       CASE WHEN t.employer_id IS NULL THEN s.start_date - 20 + time '10:00' END,
       CASE WHEN t.employer_id IS NULL THEN 1 ELSE 0 END,
       CASE WHEN s.end_date < %(today)s::date - 93 THEN s.end_date + 91 + time '02:30' END,
       s.start_date - (20 + mod(x.g, 60)) + time '09:00',
       s.start_date - (20 + mod(x.g, 60)) + time '09:00',
       t.employer_id, x.t, x.s,
       CASE WHEN t.employer_id IS NOT NULL THEN 'employer' WHEN mod(x.g, 3) = 0 THEN 'cpf'
            ELSE 'self' END
FROM (
    SELECT g, 1 + mod(g - 1, %(n)s) AS t,
           1 + mod((1 + mod(g - 1, %(n)s))::bigint * 7919 + (g - 1) / %(n)s, %(sessions)s) AS s
    FROM generate_series(1, %(m)s) g
) AS x
JOIN trainees_trainee t ON t.id = x.t
JOIN training_session s ON s.id = x.s
"""
# Seats left on two future sessions in three; the others full.
CAPACITIES = """
UPDATE training_session s
   SET capacity = c.taken + CASE WHEN mod(s.id, 3) = 0 THEN 0 ELSE 1 + mod(s.id, 6) END
  FROM (SELECT session_id, count(*) FILTER (WHERE status <> 'cancelled') AS taken
          FROM training_enrolment GROUP BY session_id) AS c
 WHERE c.session_id = s.id
"""
# A tenth of the enrolments on sessions with meals (picked by a hash of the key: its
# residues follow the session's); erased the day after the session
# (policy S5), except the sessions that ended yesterday: the nightly job's work.
NEEDS = """
INSERT INTO trainees_sensitiveneeds (id, food_allergies, allergies_consent_at,
    disability_adaptations, disability_consent_at, purged_at, created_at, updated_at,
    enrolment_id)
SELECT e.id,
       CASE WHEN NOT purged AND mod(e.id, 3) <> 0
            THEN (%(allergies)s::bytea[])[1 + mod(e.id / 10, 5)] END,
       CASE WHEN NOT purged AND mod(e.id, 3) <> 0 THEN e.created_at END,
       CASE WHEN NOT purged AND mod(e.id, 3) <> 1
            THEN (%(adaptations)s::bytea[])[1 + mod(e.id / 10, 2)] END,
       CASE WHEN NOT purged AND mod(e.id, 3) <> 1 THEN e.created_at END,
       CASE WHEN purged THEN s.end_date + 1 + time '02:30' END,
       e.created_at, e.created_at, e.id
FROM training_enrolment e
JOIN LATERAL (SELECT s.end_date, s.end_date < %(today)s::date - 1 AS purged
                FROM training_session s WHERE s.id = e.session_id AND s.meals_provided) AS s
  ON true
WHERE mod(hashint8(e.id), 10) = 0 AND e.status <> 'cancelled'
"""
CONSENTS = """
INSERT INTO consent_consentrecord (email, purpose, action, channel, at, note, contact_id,
    trainee_id, policy_version_id)
SELECT email, purpose, action, channel, at, '', contact_id, trainee_id,
       (SELECT min(id) FROM consent_policyversion)
FROM (
    SELECT email, 'trainee_offers' AS purpose, 'given' AS action,
           'registration_form' AS channel, created_at AS at, NULL::bigint AS contact_id,
           id AS trainee_id
      FROM trainees_trainee
    UNION ALL
    SELECT email, 'newsletter', 'given', 'self_service', created_at + interval '3 days', NULL, id
      FROM trainees_trainee WHERE mod(id, 10) = 0
    UNION ALL
    SELECT email, 'trainee_offers', 'objected', 'unsubscribe_link',
           created_at + interval '100 days', NULL, id
      FROM trainees_trainee WHERE mod(id, 50) = 3
    UNION ALL
    SELECT t.email, p.purpose, 'given', 'registration_form', n.created_at, NULL, t.id
      FROM trainees_sensitiveneeds n
      JOIN training_enrolment e ON e.id = n.enrolment_id
      JOIN trainees_trainee t ON t.id = e.trainee_id
      CROSS JOIN LATERAL (VALUES ('allergy_data', mod(n.id, 3) <> 0),
                                 ('disability_data', mod(n.id, 3) <> 1)) AS p (purpose, given)
     WHERE p.given
    UNION ALL
    SELECT email, 'client_prospecting', 'given', 'staff', created_at, id, NULL
      FROM clients_clientcontact
) AS c
"""
PENDING = """
INSERT INTO trainees_pendingregistration (id, email, language, details, food_allergies,
    allergies_consent, disability_adaptations, disability_consent, objects_to_offers,
    accepts_subsidiary_offers, token_hash, created_at, expires_at, session_id)
SELECT g, 'pending' || g || '@example.org', 'fr',
       jsonb_build_object('surname', (%(surnames)s::text[])[1 + mod(g, 32)],
                          'first_name', (%(first_names)s::text[])[1 + mod(g, 20)],
                          'phone', '0612345678', 'postal_address', '', 'occupation', '',
                          'employer_name', ''),
       CASE WHEN mod(g, 5) = 0 THEN (%(allergies)s::bytea[])[1 + mod(g, 5)] END, mod(g, 5) = 0,
       NULL, false, mod(g, 7) = 0, mod(g, 3) = 0, encode(sha256(('bench' || g)::bytea), 'hex'),
       %(now)s - mod(g, 72) * interval '1 hour',
       %(now)s - mod(g, 72) * interval '1 hour' + interval '48 hours',
       20 * (1 + mod(g, %(sessions)s / 20))
FROM generate_series(1, greatest(10, %(m)s / 1000)) g
"""
AUDIT = """
INSERT INTO dpo_requests_auditentry (at, action, object_type, object_id, note, actor_id)
SELECT %(now)s - mod(g * 7, 365) * interval '1 day' - mod(g, 86400) * interval '1 second',
       (%(actions)s::text[])[1 + mod(g, 8)], 'trainees.trainee', (1 + mod(g * 31, %(n)s))::text,
       '', (SELECT min(id) FROM auth_user) + mod(g, 3)
FROM generate_series(1, %(n)s) g
"""
REQUESTS = """
INSERT INTO dpo_requests_request (kind, email, details, language, channel, status,
    received_at, verified_at, due_on, extension_reason, forwarded_to, answer, closed_at,
    export_file)
SELECT (ARRAY['access', 'rectification', 'erasure', 'objection', 'restriction',
              'portability'])[1 + mod(g, 6)],
       t.email, '', 'fr', 'web', r.status, r.at,
       CASE WHEN r.status <> 'unverified' THEN r.at + interval '1 hour' END,
       CASE WHEN r.status <> 'unverified' THEN (r.at + interval '1 month')::date END,
       CASE WHEN r.status = 'extended' THEN 'Demande complexe' ELSE '' END,
       CASE WHEN r.status = 'client' THEN 'Employeur' ELSE '' END, '',
       CASE WHEN r.status IN ('done', 'refused') THEN r.at + interval '20 days' END, ''
FROM generate_series(1, greatest(20, %(n)s / 50)) g
JOIN trainees_trainee t ON t.id = 1 + mod(g * 97, %(n)s)
CROSS JOIN LATERAL (SELECT
    (ARRAY['done', 'done', 'done', 'done', 'done', 'done', 'refused', 'open', 'extended',
           'client', 'unverified'])[1 + mod(g, 11)] AS status,
    %(now)s - CASE WHEN mod(g, 11) >= 7 THEN mod(g, 25) ELSE mod(g * 11, 1800) END
        * interval '1 day' AS at) AS r
"""
CAMPAIGNS = """
INSERT INTO consent_campaign (id, name, purpose, subject_fr, body_fr, subject_en, body_en,
    status, sent, skipped, created_at, started_at, finished_at)
SELECT g, 'Offre ' || g, CASE WHEN mod(g, 4) = 0 THEN 'client_prospecting' ELSE 'trainee_offers' END,
       'Nos formations', 'Découvrez nos formations.', '', '', 'done', %(n)s / 4, %(n)s / 100,
       %(now)s - g * 15 * interval '1 day', %(now)s - (g * 15 - 1) * interval '1 day',
       %(now)s - (g * 15 - 1) * interval '1 day'
FROM generate_series(1, 24) g
"""
# Recipients are deleted 90 days after sending: only the last six campaigns keep theirs.
RECIPIENTS = """
INSERT INTO consent_campaignrecipient (status, done_at, campaign_id, contact_id, trainee_id)
SELECT 'sent', c.finished_at, c.id, NULL, t.id
  FROM consent_campaign c JOIN trainees_trainee t ON mod(t.id, 4) = mod(c.id, 4)
 WHERE c.id <= 6 AND c.purpose = 'trainee_offers'
UNION ALL
SELECT 'sent', c.finished_at, c.id, k.id, NULL
  FROM consent_campaign c CROSS JOIN clients_clientcontact k
 WHERE c.id <= 6 AND c.purpose = 'client_prospecting'
"""
DISCLOSURES = """
INSERT INTO core_disclosure (at, email, recipient, kind, categories, object_type, object_id)
SELECT e.created_at + interval '1 day', t.email, 'OPCO Atlas', 'funder', 'identity, training',
       'training.enrolment', e.id::text
  FROM training_enrolment e JOIN trainees_trainee t ON t.id = e.trainee_id
 WHERE mod(e.id, 40) = 0
"""
HOLDS = """
INSERT INTO retention_hold (email, kind, reason, until, created_at, lifted_at)
SELECT t.email, CASE WHEN mod(g, 2) = 0 THEN 'legal_hold' ELSE 'restriction' END,
       'Litige prud''homal', NULL, %(now)s - g * interval '3 days',
       CASE WHEN mod(g, 5) = 0 THEN %(now)s - interval '1 day' END
  FROM generate_series(1, 50) g JOIN trainees_trainee t ON t.id = 1 + mod(g * 1013, %(n)s)
"""
OUTBOX = """
INSERT INTO core_outboxemail (kind, status, email, from_email, "to", cc, bcc, reply_to, headers,
    subject, body, alternatives, created_at, attempts, next_attempt_at, last_error, sent_at,
    attachments)
SELECT 'training.confirmation', 'sent', t.email, 'formation@example.org',
       jsonb_build_array(t.email), '[]', '[]', '[]', '{}', 'Votre inscription',
       'Bonjour, votre inscription est confirmée.', '[]', e.created_at, 1, NULL, '',
       e.created_at + interval '1 minute', '[]'
  FROM training_enrolment e JOIN trainees_trainee t ON t.id = e.trainee_id
 WHERE mod(e.id, 50) = 0
"""
PURGE_LOGS = """
INSERT INTO retention_purgelog (rule, started_at, duration_ms, affected, held, outcome, error)
SELECT r.rule, %(today)s::date - d + time '02:30', 5 + mod(d, 200), mod(d * 7, 300), 0, 'done', ''
  FROM generate_series(1, 365) d CROSS JOIN unnest(%(rules)s::text[]) AS r (rule)
"""
KEYED = [
    "clients_organisation",
    "clients_clientcontact",
    "training_course",
    "training_trainer",
    "training_session",
    "trainees_trainee",
    "training_enrolment",
    "trainees_sensitiveneeds",
    "trainees_pendingregistration",
    "consent_campaign",
]


# Past the explicit keys, so that the application's own inserts do not collide with them.
SEQUENCE = (
    "SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
    " (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
)


def steps(trainees: int, enrolments: int) -> list[tuple[str, str]]:
    """(name, statement) in the order they must run."""
    moved = [
        (
            f"sequence of {table}",
            SEQUENCE.format(table=table),
        )
        for table in KEYED
    ]
    return [
        ("client companies", ORGANISATIONS),
        ("client contacts", CONTACTS),
        ("courses", COURSES),
        ("trainers", TRAINERS),
        ("sessions", SESSIONS),
        ("trainees", TRAINEES),
        ("enrolments", ENROLMENTS),
        ("capacities", CAPACITIES),
        ("sensitive needs", NEEDS),
        ("consent history", CONSENTS),
        ("registrations awaiting confirmation", PENDING),
        ("audit entries", AUDIT),
        ("data-subject requests", REQUESTS),
        ("campaigns", CAMPAIGNS),
        ("campaign recipients", RECIPIENTS),
        ("disclosures", DISCLOSURES),
        ("holds", HOLDS),
        ("outbox emails", OUTBOX),
        ("purge logs", PURGE_LOGS),
        *moved,
    ]
