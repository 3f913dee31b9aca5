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
-- Name: home_views; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.home_views (
    user_id character varying(64) NOT NULL,
    opened_at double precision NOT NULL,
    shown_version integer DEFAULT 0 NOT NULL
);


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
    started_at double precision,
    retries integer
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

INSERT INTO public.audit_chain_head VALUES (1, 8, '59843167825f255d3f0399386db77f780d95365140c1b158f0f545138a28f99e');


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_log VALUES (8, 1796222443.21627, 'started', 'U0ONCALL1', '6951464833db4908bd701e9ba76a7442', '{"reason": "stop this one too", "kind": "approval", "requester": "U0MOD1", "channel": "C0WORK", "job_ids": ["av0000000000000000000000000000006a"]}', 1796222443.2474124, 1, 1796222443.2310157, '19c77d21215d359ce5b2d659cc5b7545df0a818f60b8fb3ef7661c59d048dee0', '59843167825f255d3f0399386db77f780d95365140c1b158f0f545138a28f99e');
INSERT INTO public.audit_log VALUES (5, 1796222442.9665542, 'denied', 'U0ONCALL1', '75662119651d4f1db3818024f9fb675d', '{"note": "not spam", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam", "requester": "U0MOD1", "channel": "C0WORK"}', 1796222442.9918163, 1, 1796222442.9808264, 'e3e5a77d3a3ebd01d74eeb37d8a1057f1fb95fa154889ac951807324ca67f41f', '02248ec297fb1f1a51f7bb2e9fae201e97daf08649b877840967e893dda1e90f');
INSERT INTO public.audit_log VALUES (1, 1796222442.5011268, 'started', 'U0ONCALL1', 'd9400fda7c364cb7ab13df05d622557b', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "job_ids": ["av00000000000000000000000000000065"]}', 1796222442.6331198, 1, 1796222442.5989397, '0000000000000000000000000000000000000000000000000000000000000000', '246475209c286317d05163eafd40e06be9f650091609bc2453a2781512f638c0');
INSERT INTO public.audit_log VALUES (2, 1796222442.5927234, 'cancelled', 'U0ONCALL1', 'd9400fda7c364cb7ab13df05d622557b', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "jobs": 1, "cancelled": 1, "failed_jobs": [], "unknown_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]}', 1796222442.6664524, 1, 1796222442.6512184, '246475209c286317d05163eafd40e06be9f650091609bc2453a2781512f638c0', 'b5f61e2aad465d47963c821d15f051dbb064241190c4307f5a210cb0ecef689c');
INSERT INTO public.audit_log VALUES (3, 1796222442.759674, 'requested', 'U0MOD1', '0bf00a5b1bbc4d0898c19118e3b6ea53', '{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}', 1796222442.798826, 1, 1796222442.7859504, 'b5f61e2aad465d47963c821d15f051dbb064241190c4307f5a210cb0ecef689c', '915ebc22cbb5629aeade67688b57711e0c0637ff8de05bba1ae49151085a8632');
INSERT INTO public.audit_log VALUES (6, 1796222443.0934155, 'requested', 'U0MOD1', '6951464833db4908bd701e9ba76a7442', '{"reason": "stop this one too", "job_ids": ["av0000000000000000000000000000006a"], "channel": "C0WORK"}', 1796222443.1338162, 1, 1796222443.1210613, '02248ec297fb1f1a51f7bb2e9fae201e97daf08649b877840967e893dda1e90f', '35ded0c52b6d0f2a289f3f4602ab635d614d2d0abe76018f21bf842121a949f2');
INSERT INTO public.audit_log VALUES (4, 1796222442.8598442, 'requested', 'U0MOD1', '75662119651d4f1db3818024f9fb675d', '{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}', 1796222442.8997977, 1, 1796222442.887704, '915ebc22cbb5629aeade67688b57711e0c0637ff8de05bba1ae49151085a8632', 'e3e5a77d3a3ebd01d74eeb37d8a1057f1fb95fa154889ac951807324ca67f41f');
INSERT INTO public.audit_log VALUES (7, 1796222443.17619, 'approved', 'U0ONCALL1', '6951464833db4908bd701e9ba76a7442', '{"note": "", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too", "requester": "U0MOD1", "channel": "C0WORK"}', 1796222443.2271948, 1, 1796222443.2052264, '35ded0c52b6d0f2a289f3f4602ab635d614d2d0abe76018f21bf842121a949f2', '19c77d21215d359ce5b2d659cc5b7545df0a818f60b8fb3ef7661c59d048dee0');


--
-- Data for Name: ci_rate_slots; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ci_rate_slots VALUES (1, 1796222442.5584602);
INSERT INTO public.ci_rate_slots VALUES (2, 1796222442.7048388);
INSERT INTO public.ci_rate_slots VALUES (3, 1796222442.7568097);
INSERT INTO public.ci_rate_slots VALUES (4, 1796222442.8586786);
INSERT INTO public.ci_rate_slots VALUES (5, 1796222443.087947);
INSERT INTO public.ci_rate_slots VALUES (6, 1796222507.2873878);


--
-- Data for Name: home_views; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: job_results; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.job_results VALUES ('d9400fda7c364cb7ab13df05d622557b', 'av00000000000000000000000000000065', 0, 1, '{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}', 1796222442.5683715);
INSERT INTO public.job_results VALUES ('0bf00a5b1bbc4d0898c19118e3b6ea53', 'av00000000000000000000000000000066', 0, 0, NULL, 1796222442.7660716);
INSERT INTO public.job_results VALUES ('0bf00a5b1bbc4d0898c19118e3b6ea53', 'av00000000000000000000000000000067', 1, 0, NULL, 1796222442.7664132);
INSERT INTO public.job_results VALUES ('75662119651d4f1db3818024f9fb675d', 'av00000000000000000000000000000068', 0, 0, NULL, 1796222442.8623369);
INSERT INTO public.job_results VALUES ('6951464833db4908bd701e9ba76a7442', 'av0000000000000000000000000000006a', 0, 1, NULL, 1796222443.2325215);


--
-- Data for Name: leases; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.leases VALUES ('audit-poster', '495e2edc110d4e2c8ee558a83db42809');


--
-- Data for Name: requests; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.requests VALUES ('d9400fda7c364cb7ab13df05d622557b', 'direct', 'done', 'U0ONCALL1', 'C0WORK', 'stream already reported', '["av00000000000000000000000000000065"]', 1796222442.4345207, 1796222442.4345207, 'U0ONCALL1', 1796222442.4345207, NULL, NULL, NULL, '[{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]', NULL, 1796222442.5011268, NULL);
INSERT INTO public.requests VALUES ('75662119651d4f1db3818024f9fb675d', 'approval', 'denied', 'U0MOD1', 'C0WORK', 'looks like spam', '["av00000000000000000000000000000068"]', 1796222442.8598442, 1796827242.8598442, 'U0ONCALL1', 1796222442.9665542, 'not spam', 'C0APPROVALS', '1796222442.000007', NULL, NULL, NULL, NULL);
INSERT INTO public.requests VALUES ('6951464833db4908bd701e9ba76a7442', 'approval', 'approved', 'U0MOD1', 'C0WORK', 'stop this one too', '["av0000000000000000000000000000006a"]', 1796222443.0934155, 1796827243.0934155, 'U0ONCALL1', 1796222443.17619, NULL, 'C0APPROVALS', '1796222443.000011', NULL, NULL, 1796222443.21627, NULL);
INSERT INTO public.requests VALUES ('0bf00a5b1bbc4d0898c19118e3b6ea53', 'approval', 'pending', 'U0MOD1', 'C0WORK', 'please stop these streams', '["av00000000000000000000000000000066", "av00000000000000000000000000000067"]', 1796222442.759674, 4102444800, NULL, NULL, NULL, 'C0APPROVALS', '1796222442.000005', NULL, NULL, NULL, NULL);


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_version VALUES (3);


--
-- Data for Name: tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tasks VALUES (7, 'request:0bf00a5b1bbc4d0898c19118e3b6ea53:tell', 'slack.tell', 'slack', '0bf00a5b1bbc4d0898c19118e3b6ea53', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}, "text": "Asked on-call to cancel 2 job(s): `av00000000000000000000000000000066`, `av00000000000000000000000000000067`. You will hear back here when they decide (request `0bf00a5b`)."}', NULL, 1796222442.7691104, 1796222442.7691104, 0, 1796222442.8562186, NULL);
INSERT INTO public.tasks VALUES (1, 'cmd:d9400fda7c364cb7ab13df05d622557b', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000065"], "reason": "stream already reported"}}', NULL, 1796222442.4144495, 1796222442.4144495, 0, 1796222442.4635334, NULL);
INSERT INTO public.tasks VALUES (6, '0bf00a5b1bbc4d0898c19118e3b6ea53:post', 'slack.approval_post', 'slack', '0bf00a5b1bbc4d0898c19118e3b6ea53', '{"request_id": "0bf00a5b1bbc4d0898c19118e3b6ea53", "statuses": [{"job_id": "av00000000000000000000000000000066", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-066", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000066"}, {"job_id": "av00000000000000000000000000000067", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-067", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000067"}]}', NULL, 1796222442.7691104, 1796222442.7691104, 1, 1796222442.8172781, NULL);
INSERT INTO public.tasks VALUES (2, 'exec:d9400fda7c364cb7ab13df05d622557b', 'execute', 'urgent', NULL, '{"request_id": "d9400fda7c364cb7ab13df05d622557b", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}}', NULL, 1796222442.4518905, 1796222442.4518905, 0, 1796222442.6338603, NULL);
INSERT INTO public.tasks VALUES (3, 'cmd:0bf00a5b1bbc4d0898c19118e3b6ea53', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}', NULL, 1796222442.625692, 1796222442.625692, 0, 1796222442.635563, NULL);
INSERT INTO public.tasks VALUES (4, 'd9400fda7c364cb7ab13df05d622557b:result', 'slack.result', 'slack', 'd9400fda7c364cb7ab13df05d622557b', '{"request_id": "d9400fda7c364cb7ab13df05d622557b", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}}', NULL, 1796222442.628087, 1796222442.628087, 0, 1796222442.6720407, NULL);
INSERT INTO public.tasks VALUES (8, '0bf00a5b1bbc4d0898c19118e3b6ea53:reminder', 'slack.reminder', 'slack', NULL, '{"request_id": "0bf00a5b1bbc4d0898c19118e3b6ea53"}', NULL, 1796222442.7691104, 1796524842.7596629, 0, NULL, NULL);
INSERT INTO public.tasks VALUES (5, 'request:0bf00a5b1bbc4d0898c19118e3b6ea53', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}', NULL, 1796222442.6308024, 1796222442.6308024, 0, 1796222442.7789583, NULL);
INSERT INTO public.tasks VALUES (9, 'cmd:75662119651d4f1db3818024f9fb675d', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}', NULL, 1796222442.819317, 1796222442.819317, 0, 1796222442.825418, NULL);
INSERT INTO public.tasks VALUES (11, '75662119651d4f1db3818024f9fb675d:post', 'slack.approval_post', 'slack', '75662119651d4f1db3818024f9fb675d', '{"request_id": "75662119651d4f1db3818024f9fb675d", "statuses": [{"job_id": "av00000000000000000000000000000068", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-068", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000068"}]}', NULL, 1796222442.8654017, 1796222442.8654017, 1, 1796222442.920741, NULL);
INSERT INTO public.tasks VALUES (13, '75662119651d4f1db3818024f9fb675d:reminder', 'slack.reminder', 'slack', NULL, '{"request_id": "75662119651d4f1db3818024f9fb675d"}', NULL, 1796222442.8654017, 1796524842.8598368, 0, NULL, NULL);
INSERT INTO public.tasks VALUES (10, 'request:75662119651d4f1db3818024f9fb675d', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}', NULL, 1796222442.8225718, 1796222442.8225718, 0, 1796222442.8786626, NULL);
INSERT INTO public.tasks VALUES (18, 'cmd:6951464833db4908bd701e9ba76a7442', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}', NULL, 1796222443.0535862, 1796222443.0535862, 0, 1796222443.059886, NULL);
INSERT INTO public.tasks VALUES (14, 'click:03702fe05efb45c58b174557f51af20d', 'deny_click', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:37545/response/click", "message": ["C0APPROVALS", "1796222442.000007"]}, "request_id": "75662119651d4f1db3818024f9fb675d", "note": ""}', NULL, 1796222442.945818, 1796222442.945818, 0, 1796222442.963721, NULL);
INSERT INTO public.tasks VALUES (15, 'form:028e43ce2a8145efbb2443aaf1bcb88e', 'deny', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": null, "message": ["C0APPROVALS", "1796222442.000007"]}, "request_id": "75662119651d4f1db3818024f9fb675d", "note": "not spam"}', NULL, 1796222442.9616842, 1796222442.9616842, 0, 1796222442.9748368, NULL);
INSERT INTO public.tasks VALUES (12, 'request:75662119651d4f1db3818024f9fb675d:tell', 'slack.tell', 'slack', '75662119651d4f1db3818024f9fb675d', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av00000000000000000000000000000068`. You will hear back here when they decide (request `75662119`)."}', NULL, 1796222442.8654017, 1796222442.8654017, 0, 1796222442.998661, NULL);
INSERT INTO public.tasks VALUES (19, 'request:6951464833db4908bd701e9ba76a7442', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}', NULL, 1796222443.0574105, 1796222443.0574105, 0, 1796222443.1080842, NULL);
INSERT INTO public.tasks VALUES (16, '75662119651d4f1db3818024f9fb675d:update:denied', 'slack.approval_update', 'slack', '75662119651d4f1db3818024f9fb675d', '{"request_id": "75662119651d4f1db3818024f9fb675d"}', NULL, 1796222442.970109, 1796222442.970109, 0, 1796222443.0927022, NULL);
INSERT INTO public.tasks VALUES (17, '75662119651d4f1db3818024f9fb675d:dm:denied', 'slack.requester_dm', 'slack', '75662119651d4f1db3818024f9fb675d', '{"request_id": "75662119651d4f1db3818024f9fb675d", "user_id": "U0MOD1"}', NULL, 1796222442.970109, 1796222442.970109, 0, 1796222443.145327, NULL);
INSERT INTO public.tasks VALUES (25, 'exec:6951464833db4908bd701e9ba76a7442', 'execute', 'urgent', NULL, '{"request_id": "6951464833db4908bd701e9ba76a7442"}', '495e2edc110d4e2c8ee558a83db42809', 1796222443.184491, 1796222443.184491, 0, NULL, NULL);
INSERT INTO public.tasks VALUES (24, '6951464833db4908bd701e9ba76a7442:update:approved', 'slack.approval_update', 'slack', '6951464833db4908bd701e9ba76a7442', '{"request_id": "6951464833db4908bd701e9ba76a7442"}', NULL, 1796222443.184491, 1796222443.184491, 0, 1796222443.3483274, NULL);
INSERT INTO public.tasks VALUES (22, '6951464833db4908bd701e9ba76a7442:reminder', 'slack.reminder', 'slack', NULL, '{"request_id": "6951464833db4908bd701e9ba76a7442"}', NULL, 1796222443.102561, 1796524843.093409, 0, NULL, NULL);
INSERT INTO public.tasks VALUES (20, '6951464833db4908bd701e9ba76a7442:post', 'slack.approval_post', 'slack', '6951464833db4908bd701e9ba76a7442', '{"request_id": "6951464833db4908bd701e9ba76a7442", "statuses": [{"job_id": "av0000000000000000000000000000006a", "ok": false, "code": "InvalidArgument", "message": "job does not exist", "request_id": "err-req-InvalidArgument", "hint": "The job is unknown or already finished. Check the job ID; nothing is left to cancel if it ended."}]}', NULL, 1796222443.102561, 1796222443.102561, 1, 1796222443.1600494, NULL);
INSERT INTO public.tasks VALUES (23, 'click:e170421cc094433ead76d9907c5ce000', 'approve', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:37545/response/click", "message": ["C0APPROVALS", "1796222443.000011"]}, "request_id": "6951464833db4908bd701e9ba76a7442", "note": ""}', NULL, 1796222443.168753, 1796222443.168753, 0, 1796222443.1889684, NULL);
INSERT INTO public.tasks VALUES (21, 'request:6951464833db4908bd701e9ba76a7442:tell', 'slack.tell', 'slack', '6951464833db4908bd701e9ba76a7442', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:37545/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av0000000000000000000000000000006a`. You will hear back here when they decide (request `69514648`)."}', NULL, 1796222443.102561, 1796222443.102561, 0, 1796222443.2277474, NULL);


--
-- Data for Name: workers; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.workers VALUES ('495e2edc110d4e2c8ee558a83db42809', 'vm:13157', 'vm', 13157, 'a4034567df734a66a1b8:13157', 1796222442.350443, 1796222443.589262);


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_id_seq', 8, true);


--
-- Name: ci_rate_slots_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ci_rate_slots_id_seq', 6, true);


--
-- Name: tasks_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tasks_seq_seq', 25, true);


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
-- Name: home_views home_views_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.home_views
    ADD CONSTRAINT home_views_pkey PRIMARY KEY (user_id);


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


