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
-- Name: audit_chain_head; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_chain_head (
    id integer NOT NULL,
    last_id integer NOT NULL,
    last_hash character varying(64) NOT NULL
);


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
    claimed_until double precision,
    prev_hash character varying(64),
    hash character varying(64)
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
-- Data for Name: audit_chain_head; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_chain_head VALUES (1, 5, '698265a7c02bd2418d678695c1b1390f1e832462cedd28859d2b332bf9673163');


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_log VALUES (5, 1796220839.9555624, 'denied', 'U0ONCALL1', 'd1ab4f66ae704bcca6890ba1f78d58ee', '{"note": "not spam", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam", "requester": "U0MOD1", "channel": "C0WORK"}', 1796220839.9820101, 1, 1796220839.9673407, '10af3eff0c68e59540241012d2d22e799babfb1a58948007816871cbce70ecf5', '698265a7c02bd2418d678695c1b1390f1e832462cedd28859d2b332bf9673163');
INSERT INTO public.audit_log VALUES (1, 1796220839.694474, 'started', 'U0ONCALL1', '88e208ec183e4013b9f4fe01566a245d', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "job_ids": ["av00000000000000000000000000000065"]}', 1796220839.7624373, 1, 1796220839.7486117, '0000000000000000000000000000000000000000000000000000000000000000', '11cbf261c2ee81d47bdfb97d98d634a6cdf08eac7e6f4a324b64d081a22f2409');
INSERT INTO public.audit_log VALUES (2, 1796220839.7223601, 'cancelled', 'U0ONCALL1', '88e208ec183e4013b9f4fe01566a245d', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "jobs": 1, "cancelled": 1, "failed_jobs": [], "unknown_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]}', 1796220839.7775664, 1, 1796220839.7658732, '11cbf261c2ee81d47bdfb97d98d634a6cdf08eac7e6f4a324b64d081a22f2409', 'd82df598e42d22e0204df6b5738f2a5ed69b550e5f2a0f5480a4bdac1d0b75da');
INSERT INTO public.audit_log VALUES (3, 1796220839.8292835, 'requested', 'U0MOD1', 'fd99b4570eb44aa28212d72cd4f50a41', '{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}', 1796220839.864452, 1, 1796220839.8554366, 'd82df598e42d22e0204df6b5738f2a5ed69b550e5f2a0f5480a4bdac1d0b75da', '51d17cb40ee34fc47f3d748b15725556b8205f778b435d42ff1a4481bdb0e0b5');
INSERT INTO public.audit_log VALUES (4, 1796220839.9054408, 'requested', 'U0MOD1', 'd1ab4f66ae704bcca6890ba1f78d58ee', '{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}', 1796220839.9297607, 1, 1796220839.9226155, '51d17cb40ee34fc47f3d748b15725556b8205f778b435d42ff1a4481bdb0e0b5', '10af3eff0c68e59540241012d2d22e799babfb1a58948007816871cbce70ecf5');


--
-- Data for Name: ci_rate_slots; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ci_rate_slots VALUES (1, 1796220839.710938);
INSERT INTO public.ci_rate_slots VALUES (2, 1796220839.772342);
INSERT INTO public.ci_rate_slots VALUES (3, 1796220839.779831);
INSERT INTO public.ci_rate_slots VALUES (4, 1796220839.897675);


--
-- Data for Name: job_results; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.job_results VALUES ('88e208ec183e4013b9f4fe01566a245d', 'av00000000000000000000000000000065', 0, 1, '{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}', 1796220839.7191393);
INSERT INTO public.job_results VALUES ('fd99b4570eb44aa28212d72cd4f50a41', 'av00000000000000000000000000000066', 0, 0, NULL, 1796220839.8344476);
INSERT INTO public.job_results VALUES ('fd99b4570eb44aa28212d72cd4f50a41', 'av00000000000000000000000000000067', 1, 0, NULL, 1796220839.8349774);
INSERT INTO public.job_results VALUES ('d1ab4f66ae704bcca6890ba1f78d58ee', 'av00000000000000000000000000000068', 0, 0, NULL, 1796220839.9075346);


--
-- Data for Name: leases; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.leases VALUES ('audit-poster', '2118e6b85e0945cb8d7c4afba470dce4');


--
-- Data for Name: requests; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.requests VALUES ('88e208ec183e4013b9f4fe01566a245d', 'direct', 'done', 'U0ONCALL1', 'C0WORK', 'stream already reported', '["av00000000000000000000000000000065"]', 1796220839.674407, 1796220839.674407, 'U0ONCALL1', 1796220839.674407, NULL, NULL, NULL, '[{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]', NULL, 1796220839.694474);
INSERT INTO public.requests VALUES ('d1ab4f66ae704bcca6890ba1f78d58ee', 'approval', 'denied', 'U0MOD1', 'C0WORK', 'looks like spam', '["av00000000000000000000000000000068"]', 1796220839.9054408, 1796825639.9054408, 'U0ONCALL1', 1796220839.9555624, 'not spam', 'C0APPROVALS', '1796220839.000007', NULL, NULL, NULL);
INSERT INTO public.requests VALUES ('fd99b4570eb44aa28212d72cd4f50a41', 'approval', 'pending', 'U0MOD1', 'C0WORK', 'please stop these streams', '["av00000000000000000000000000000066", "av00000000000000000000000000000067"]', 1796220839.8292835, 4102444800, NULL, NULL, NULL, 'C0APPROVALS', '1796220839.000005', NULL, NULL, NULL);


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_version VALUES (3);


--
-- Data for Name: tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tasks VALUES (1, 'cmd:88e208ec183e4013b9f4fe01566a245d', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:42647/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000065"], "reason": "stream already reported"}}', NULL, 1796220839.6698103, 1796220839.6698103, 0, 1796220839.6825962, NULL);
INSERT INTO public.tasks VALUES (8, 'cmd:d1ab4f66ae704bcca6890ba1f78d58ee', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:42647/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}', NULL, 1796220839.8747883, 1796220839.8747883, 0, 1796220839.8802736, NULL);
INSERT INTO public.tasks VALUES (2, 'exec:88e208ec183e4013b9f4fe01566a245d', 'execute', 'urgent', NULL, '{"request_id": "88e208ec183e4013b9f4fe01566a245d", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:42647/response/r", "message": null}}', NULL, 1796220839.678359, 1796220839.678359, 0, 1796220839.7283833, NULL);
INSERT INTO public.tasks VALUES (4, 'cmd:fd99b4570eb44aa28212d72cd4f50a41', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:42647/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}', NULL, 1796220839.736284, 1796220839.736284, 0, 1796220839.746477, NULL);
INSERT INTO public.tasks VALUES (11, 'request:d1ab4f66ae704bcca6890ba1f78d58ee:tell', 'slack.tell', 'slack', 'd1ab4f66ae704bcca6890ba1f78d58ee', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:42647/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av00000000000000000000000000000068`. You will hear back here when they decide (request `d1ab4f66`)."}', NULL, 1796220839.9097855, 1796220839.9097855, 0, 1796220839.9804137, NULL);
INSERT INTO public.tasks VALUES (3, '88e208ec183e4013b9f4fe01566a245d:result', 'slack.result', 'slack', '88e208ec183e4013b9f4fe01566a245d', '{"request_id": "88e208ec183e4013b9f4fe01566a245d", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:42647/response/r", "message": null}}', NULL, 1796220839.7262897, 1796220839.7262897, 0, 1796220839.761822, NULL);
INSERT INTO public.tasks VALUES (7, 'request:fd99b4570eb44aa28212d72cd4f50a41:tell', 'slack.tell', 'slack', 'fd99b4570eb44aa28212d72cd4f50a41', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:42647/response/r", "message": null}, "text": "Asked on-call to cancel 2 job(s): `av00000000000000000000000000000066`, `av00000000000000000000000000000067`. You will hear back here when they decide (request `fd99b457`)."}', NULL, 1796220839.83801, 1796220839.83801, 0, 1796220839.9011965, NULL);
INSERT INTO public.tasks VALUES (5, 'request:fd99b4570eb44aa28212d72cd4f50a41', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:42647/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}', NULL, 1796220839.74142, 1796220839.74142, 0, 1796220839.8423388, NULL);
INSERT INTO public.tasks VALUES (6, 'fd99b4570eb44aa28212d72cd4f50a41:post', 'slack.approval_post', 'slack', 'fd99b4570eb44aa28212d72cd4f50a41', '{"request_id": "fd99b4570eb44aa28212d72cd4f50a41", "statuses": [{"job_id": "av00000000000000000000000000000066", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-066", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000066"}, {"job_id": "av00000000000000000000000000000067", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-067", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000067"}]}', NULL, 1796220839.83801, 1796220839.83801, 0, 1796220839.8740013, NULL);
INSERT INTO public.tasks VALUES (10, 'd1ab4f66ae704bcca6890ba1f78d58ee:post', 'slack.approval_post', 'slack', 'd1ab4f66ae704bcca6890ba1f78d58ee', '{"request_id": "d1ab4f66ae704bcca6890ba1f78d58ee", "statuses": [{"job_id": "av00000000000000000000000000000068", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-068", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000068"}]}', NULL, 1796220839.9097855, 1796220839.9097855, 0, 1796220839.9407814, NULL);
INSERT INTO public.tasks VALUES (14, 'd1ab4f66ae704bcca6890ba1f78d58ee:update:denied', 'slack.approval_update', 'slack', 'd1ab4f66ae704bcca6890ba1f78d58ee', '{"request_id": "d1ab4f66ae704bcca6890ba1f78d58ee"}', NULL, 1796220839.9582243, 1796220839.9582243, 0, 1796220840.0954185, NULL);
INSERT INTO public.tasks VALUES (15, 'd1ab4f66ae704bcca6890ba1f78d58ee:dm:denied', 'slack.requester_dm', 'slack', 'd1ab4f66ae704bcca6890ba1f78d58ee', '{"request_id": "d1ab4f66ae704bcca6890ba1f78d58ee", "user_id": "U0MOD1"}', NULL, 1796220839.9582243, 1796220839.9582243, 0, 1796220840.208452, NULL);
INSERT INTO public.tasks VALUES (9, 'request:d1ab4f66ae704bcca6890ba1f78d58ee', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:42647/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}', NULL, 1796220839.87788, 1796220839.87788, 0, 1796220839.913226, NULL);
INSERT INTO public.tasks VALUES (12, 'click:43f6db1d818848449d0822916f23c69b', 'deny_click', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:42647/response/click", "message": ["C0APPROVALS", "1796220839.000007"]}, "request_id": "d1ab4f66ae704bcca6890ba1f78d58ee", "note": ""}', NULL, 1796220839.9402032, 1796220839.9402032, 0, 1796220839.946096, NULL);
INSERT INTO public.tasks VALUES (13, 'form:5f2edb500c9d4ad4b0b740f58515397d', 'deny', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": null, "message": ["C0APPROVALS", "1796220839.000007"]}, "request_id": "d1ab4f66ae704bcca6890ba1f78d58ee", "note": "not spam"}', NULL, 1796220839.952637, 1796220839.952637, 0, 1796220839.960676, NULL);


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
-- Name: audit_chain_head audit_chain_head_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_chain_head
    ADD CONSTRAINT audit_chain_head_pkey PRIMARY KEY (id);


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


