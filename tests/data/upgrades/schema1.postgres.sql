--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id integer NOT NULL,
    at double precision NOT NULL,
    event character varying(16) NOT NULL,
    actor character varying(64) NOT NULL,
    request_id character varying(32),
    detail text NOT NULL,
    posted_at double precision,
    post_attempts integer DEFAULT 0 NOT NULL,
    claimed_until double precision
);


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.audit_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.audit_log_id_seq OWNED BY public.audit_log.id;


--
-- Name: ci_rate_slots; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ci_rate_slots (
    id integer NOT NULL,
    slot_at double precision NOT NULL
);


--
-- Name: ci_rate_slots_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ci_rate_slots_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ci_rate_slots_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ci_rate_slots_id_seq OWNED BY public.ci_rate_slots.id;


--
-- Name: job_results; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.job_results (
    request_id character varying(32) NOT NULL,
    job_id character varying(64) NOT NULL,
    "position" integer NOT NULL,
    sends integer DEFAULT 0 NOT NULL,
    outcome text,
    updated_at double precision NOT NULL
);


--
-- Name: leases; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.leases (
    name character varying(32) NOT NULL,
    holder character varying(32)
);


--
-- Name: requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.requests (
    id character varying(32) NOT NULL,
    kind character varying(16) NOT NULL,
    state character varying(16) NOT NULL,
    requester character varying(64) NOT NULL,
    origin_channel character varying(32) DEFAULT ''::character varying NOT NULL,
    reason text NOT NULL,
    job_ids text NOT NULL,
    created_at double precision NOT NULL,
    expires_at double precision NOT NULL,
    decided_by character varying(64),
    decided_at double precision,
    decision_note text,
    message_channel character varying(32),
    message_ts character varying(32),
    outcome text,
    lease_until double precision,
    started_at double precision
);


--
-- Name: schema_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_version (
    version integer NOT NULL
);


--
-- Name: tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tasks (
    seq integer NOT NULL,
    key character varying(128) NOT NULL,
    kind character varying(32) NOT NULL,
    lane character varying(16) NOT NULL,
    stream character varying(64),
    payload text NOT NULL,
    owner character varying(32),
    created_at double precision NOT NULL,
    next_at double precision NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    done_at double precision,
    error text
);


--
-- Name: tasks_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tasks_seq_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tasks_seq_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tasks_seq_seq OWNED BY public.tasks.seq;


--
-- Name: workers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workers (
    id character varying(32) NOT NULL,
    name character varying(255) NOT NULL,
    host character varying(255) NOT NULL,
    pid integer NOT NULL,
    boot character varying(32) NOT NULL,
    started_at double precision NOT NULL,
    heartbeat_at double precision NOT NULL
);


--
-- Name: audit_log id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log ALTER COLUMN id SET DEFAULT nextval('public.audit_log_id_seq'::regclass);


--
-- Name: ci_rate_slots id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ci_rate_slots ALTER COLUMN id SET DEFAULT nextval('public.ci_rate_slots_id_seq'::regclass);


--
-- Name: tasks seq; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks ALTER COLUMN seq SET DEFAULT nextval('public.tasks_seq_seq'::regclass);


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_log VALUES (1, 1796220835.2809782, 'started', 'U0ONCALL1', 'cce05115d0064c908cade097153c0a62', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "job_ids": ["av00000000000000000000000000000065"]}', 1796220835.3354585, 1, 1796220835.3178566);
INSERT INTO public.audit_log VALUES (2, 1796220835.302184, 'cancelled', 'U0ONCALL1', 'cce05115d0064c908cade097153c0a62', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "jobs": 1, "cancelled": 1, "failed_jobs": [], "unknown_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]}', 1796220835.3492482, 1, 1796220835.3445234);
INSERT INTO public.audit_log VALUES (3, 1796220835.4086945, 'requested', 'U0MOD1', 'e644be7733c345128906d1c5c45fe2f5', '{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}', 1796220835.4498615, 1, 1796220835.4403887);
INSERT INTO public.audit_log VALUES (4, 1796220835.49124, 'requested', 'U0MOD1', '7001974f4dd442599ffaf51663f2c353', '{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}', 1796220835.521558, 1, 1796220835.51454);
INSERT INTO public.audit_log VALUES (5, 1796220835.5440392, 'denied', 'U0ONCALL1', '7001974f4dd442599ffaf51663f2c353', '{"note": "not spam", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam", "requester": "U0MOD1", "channel": "C0WORK"}', 1796220835.576219, 1, 1796220835.5638685);


--
-- Data for Name: ci_rate_slots; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ci_rate_slots VALUES (1, 1796220835.290845);
INSERT INTO public.ci_rate_slots VALUES (2, 1796220835.354901);
INSERT INTO public.ci_rate_slots VALUES (3, 1796220835.358964);
INSERT INTO public.ci_rate_slots VALUES (4, 1796220835.484212);


--
-- Data for Name: job_results; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.job_results VALUES ('cce05115d0064c908cade097153c0a62', 'av00000000000000000000000000000065', 0, 1, '{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}', 1796220835.298754);
INSERT INTO public.job_results VALUES ('e644be7733c345128906d1c5c45fe2f5', 'av00000000000000000000000000000066', 0, 0, NULL, 1796220835.4150798);
INSERT INTO public.job_results VALUES ('e644be7733c345128906d1c5c45fe2f5', 'av00000000000000000000000000000067', 1, 0, NULL, 1796220835.415949);
INSERT INTO public.job_results VALUES ('7001974f4dd442599ffaf51663f2c353', 'av00000000000000000000000000000068', 0, 0, NULL, 1796220835.4940777);


--
-- Data for Name: leases; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.leases VALUES ('audit-poster', 'e0365d789df341f1a70fdff2bebb781a');


--
-- Data for Name: requests; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.requests VALUES ('cce05115d0064c908cade097153c0a62', 'direct', 'done', 'U0ONCALL1', 'C0WORK', 'stream already reported', '["av00000000000000000000000000000065"]', 1796220835.2582622, 1796220835.2582622, 'U0ONCALL1', 1796220835.2582622, NULL, NULL, NULL, '[{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]', NULL, 1796220835.2809782);
INSERT INTO public.requests VALUES ('7001974f4dd442599ffaf51663f2c353', 'approval', 'denied', 'U0MOD1', 'C0WORK', 'looks like spam', '["av00000000000000000000000000000068"]', 1796220835.49124, 1796825635.49124, 'U0ONCALL1', 1796220835.5440392, 'not spam', 'C0APPROVALS', '1796220835.000007', NULL, NULL, NULL);
INSERT INTO public.requests VALUES ('e644be7733c345128906d1c5c45fe2f5', 'approval', 'pending', 'U0MOD1', 'C0WORK', 'please stop these streams', '["av00000000000000000000000000000066", "av00000000000000000000000000000067"]', 1796220835.4086945, 4102444800, NULL, NULL, NULL, 'C0APPROVALS', '1796220835.000005', NULL, NULL, NULL);


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_version VALUES (1);


--
-- Data for Name: tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tasks VALUES (1, 'cmd:cce05115d0064c908cade097153c0a62', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:45495/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000065"], "reason": "stream already reported"}}', NULL, 1796220835.2539532, 1796220835.2539532, 0, 1796220835.2674193, NULL);
INSERT INTO public.tasks VALUES (8, 'cmd:7001974f4dd442599ffaf51663f2c353', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:45495/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}', NULL, 1796220835.460043, 1796220835.460043, 0, 1796220835.4653409, NULL);
INSERT INTO public.tasks VALUES (2, 'exec:cce05115d0064c908cade097153c0a62', 'execute', 'urgent', NULL, '{"request_id": "cce05115d0064c908cade097153c0a62", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:45495/response/r", "message": null}}', NULL, 1796220835.263224, 1796220835.263224, 0, 1796220835.3067627, NULL);
INSERT INTO public.tasks VALUES (4, 'cmd:e644be7733c345128906d1c5c45fe2f5', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:45495/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}', NULL, 1796220835.3173337, 1796220835.3173337, 0, 1796220835.3260036, NULL);
INSERT INTO public.tasks VALUES (3, 'cce05115d0064c908cade097153c0a62:result', 'slack.result', 'slack', 'cce05115d0064c908cade097153c0a62', '{"request_id": "cce05115d0064c908cade097153c0a62", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:45495/response/r", "message": null}}', NULL, 1796220835.3047824, 1796220835.3047824, 0, 1796220835.34484, NULL);
INSERT INTO public.tasks VALUES (7, 'request:e644be7733c345128906d1c5c45fe2f5:tell', 'slack.tell', 'slack', 'e644be7733c345128906d1c5c45fe2f5', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:45495/response/r", "message": null}, "text": "Asked on-call to cancel 2 job(s): `av00000000000000000000000000000066`, `av00000000000000000000000000000067`. You will hear back here when they decide (request `e644be77`)."}', NULL, 1796220835.4175491, 1796220835.4175491, 0, 1796220835.4883728, NULL);
INSERT INTO public.tasks VALUES (5, 'request:e644be7733c345128906d1c5c45fe2f5', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:45495/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}', NULL, 1796220835.322106, 1796220835.322106, 0, 1796220835.426996, NULL);
INSERT INTO public.tasks VALUES (6, 'e644be7733c345128906d1c5c45fe2f5:post', 'slack.approval_post', 'slack', 'e644be7733c345128906d1c5c45fe2f5', '{"request_id": "e644be7733c345128906d1c5c45fe2f5", "statuses": [{"job_id": "av00000000000000000000000000000066", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-066", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000066"}, {"job_id": "av00000000000000000000000000000067", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-067", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000067"}]}', NULL, 1796220835.4175491, 1796220835.4175491, 0, 1796220835.4610665, NULL);
INSERT INTO public.tasks VALUES (11, 'request:7001974f4dd442599ffaf51663f2c353:tell', 'slack.tell', 'slack', '7001974f4dd442599ffaf51663f2c353', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:45495/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av00000000000000000000000000000068`. You will hear back here when they decide (request `7001974f`)."}', NULL, 1796220835.4956162, 1796220835.4956162, 0, 1796220835.572973, NULL);
INSERT INTO public.tasks VALUES (10, '7001974f4dd442599ffaf51663f2c353:post', 'slack.approval_post', 'slack', '7001974f4dd442599ffaf51663f2c353', '{"request_id": "7001974f4dd442599ffaf51663f2c353", "statuses": [{"job_id": "av00000000000000000000000000000068", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-068", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000068"}]}', NULL, 1796220835.4956162, 1796220835.4956162, 0, 1796220835.5240467, NULL);
INSERT INTO public.tasks VALUES (12, 'click:541c07840eec43a7aca0c196beb30016', 'deny_click', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:45495/response/click", "message": ["C0APPROVALS", "1796220835.000007"]}, "request_id": "7001974f4dd442599ffaf51663f2c353", "note": ""}', NULL, 1796220835.5279224, 1796220835.5279224, 0, 1796220835.532341, NULL);
INSERT INTO public.tasks VALUES (14, '7001974f4dd442599ffaf51663f2c353:update:denied', 'slack.approval_update', 'slack', '7001974f4dd442599ffaf51663f2c353', '{"request_id": "7001974f4dd442599ffaf51663f2c353"}', NULL, 1796220835.5460548, 1796220835.5460548, 0, 1796220835.6881132, NULL);
INSERT INTO public.tasks VALUES (15, '7001974f4dd442599ffaf51663f2c353:dm:denied', 'slack.requester_dm', 'slack', '7001974f4dd442599ffaf51663f2c353', '{"request_id": "7001974f4dd442599ffaf51663f2c353", "user_id": "U0MOD1"}', NULL, 1796220835.5460548, 1796220835.5460548, 0, 1796220835.8019404, NULL);
INSERT INTO public.tasks VALUES (9, 'request:7001974f4dd442599ffaf51663f2c353', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:45495/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}', NULL, 1796220835.4626694, 1796220835.4626694, 0, 1796220835.5045035, NULL);
INSERT INTO public.tasks VALUES (13, 'form:c8fd86c3578646f69e304c958c2aa7cd', 'deny', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": null, "message": ["C0APPROVALS", "1796220835.000007"]}, "request_id": "7001974f4dd442599ffaf51663f2c353", "note": "not spam"}', NULL, 1796220835.5405502, 1796220835.5405502, 0, 1796220835.5522852, NULL);


--
-- Data for Name: workers; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_id_seq', 5, true);


--
-- Name: ci_rate_slots_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ci_rate_slots_id_seq', 4, true);


--
-- Name: tasks_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tasks_seq_seq', 15, true);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: ci_rate_slots ci_rate_slots_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ci_rate_slots
    ADD CONSTRAINT ci_rate_slots_pkey PRIMARY KEY (id);


--
-- Name: job_results job_results_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.job_results
    ADD CONSTRAINT job_results_pkey PRIMARY KEY (request_id, job_id);


--
-- Name: leases leases_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.leases
    ADD CONSTRAINT leases_pkey PRIMARY KEY (name);


--
-- Name: requests requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.requests
    ADD CONSTRAINT requests_pkey PRIMARY KEY (id);


--
-- Name: tasks tasks_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_key_key UNIQUE (key);


--
-- Name: tasks tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_pkey PRIMARY KEY (seq);


--
-- Name: workers workers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workers
    ADD CONSTRAINT workers_pkey PRIMARY KEY (id);


--
-- Name: ix_audit_unposted; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_unposted ON public.audit_log USING btree (posted_at);


--
-- Name: ix_ci_rate_slots_slot_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_ci_rate_slots_slot_at ON public.ci_rate_slots USING btree (slot_at);


--
-- Name: ix_requests_requester_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_requests_requester_state ON public.requests USING btree (requester, state);


--
-- Name: ix_requests_state_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_requests_state_expiry ON public.requests USING btree (state, expires_at);


--
-- Name: ix_tasks_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_tasks_open ON public.tasks USING btree (done_at, next_at);


--
-- Name: ix_tasks_stream; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_tasks_stream ON public.tasks USING btree (stream, done_at);


--
-- PostgreSQL database dump complete
--


