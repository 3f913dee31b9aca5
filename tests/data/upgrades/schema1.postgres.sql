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

INSERT INTO public.audit_log VALUES (1, 1796221642.982827, 'started', 'U0ONCALL1', '3496d5dbc3a54517bc73b02d65ac6a7b', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "job_ids": ["av00000000000000000000000000000065"]}', 1796221643.0407565, 1, 1796221643.034425);
INSERT INTO public.audit_log VALUES (2, 1796221643.0231345, 'cancelled', 'U0ONCALL1', '3496d5dbc3a54517bc73b02d65ac6a7b', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "jobs": 1, "cancelled": 1, "failed_jobs": [], "unknown_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]}', 1796221643.0681982, 1, 1796221643.0599227);
INSERT INTO public.audit_log VALUES (3, 1796221643.132537, 'requested', 'U0MOD1', '972c526b3e854f4ba719fd35f8840013', '{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}', 1796221643.163364, 1, 1796221643.15416);
INSERT INTO public.audit_log VALUES (4, 1796221643.197532, 'requested', 'U0MOD1', '1ec8dc6ba0f149649e967af6934185f0', '{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}', 1796221643.23346, 1, 1796221643.2266374);
INSERT INTO public.audit_log VALUES (5, 1796221643.3089066, 'denied', 'U0ONCALL1', '1ec8dc6ba0f149649e967af6934185f0', '{"note": "not spam", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam", "requester": "U0MOD1", "channel": "C0WORK"}', 1796221643.34766, 1, 1796221643.3285685);
INSERT INTO public.audit_log VALUES (6, 1796221643.4185634, 'requested', 'U0MOD1', 'fd2eaa63fa7e4cf5ae2345d68b2cb954', '{"reason": "stop this one too", "job_ids": ["av0000000000000000000000000000006a"], "channel": "C0WORK"}', 1796221643.4384124, 1, 1796221643.430319);
INSERT INTO public.audit_log VALUES (7, 1796221643.5024428, 'approved', 'U0ONCALL1', 'fd2eaa63fa7e4cf5ae2345d68b2cb954', '{"note": "", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too", "requester": "U0MOD1", "channel": "C0WORK"}', 1796221643.5308888, 1, 1796221643.5184805);
INSERT INTO public.audit_log VALUES (8, 1796221643.5195024, 'started', 'U0ONCALL1', 'fd2eaa63fa7e4cf5ae2345d68b2cb954', '{"reason": "stop this one too", "kind": "approval", "requester": "U0MOD1", "channel": "C0WORK", "job_ids": ["av0000000000000000000000000000006a"]}', 1796221643.5389762, 1, 1796221643.534894);


--
-- Data for Name: ci_rate_slots; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ci_rate_slots VALUES (1, 1796221643.004577);
INSERT INTO public.ci_rate_slots VALUES (2, 1796221643.080297);
INSERT INTO public.ci_rate_slots VALUES (3, 1796221643.086655);
INSERT INTO public.ci_rate_slots VALUES (4, 1796221643.19128);
INSERT INTO public.ci_rate_slots VALUES (5, 1796221643.40619);
INSERT INTO public.ci_rate_slots VALUES (6, 1796221643.535463);


--
-- Data for Name: job_results; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.job_results VALUES ('3496d5dbc3a54517bc73b02d65ac6a7b', 'av00000000000000000000000000000065', 0, 1, '{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}', 1796221643.0178094);
INSERT INTO public.job_results VALUES ('972c526b3e854f4ba719fd35f8840013', 'av00000000000000000000000000000066', 0, 0, NULL, 1796221643.1384509);
INSERT INTO public.job_results VALUES ('972c526b3e854f4ba719fd35f8840013', 'av00000000000000000000000000000067', 1, 0, NULL, 1796221643.1388106);
INSERT INTO public.job_results VALUES ('1ec8dc6ba0f149649e967af6934185f0', 'av00000000000000000000000000000068', 0, 0, NULL, 1796221643.213703);
INSERT INTO public.job_results VALUES ('fd2eaa63fa7e4cf5ae2345d68b2cb954', 'av0000000000000000000000000000006a', 0, 1, NULL, 1796221643.5314565);


--
-- Data for Name: leases; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.leases VALUES ('audit-poster', '1502979910524816b0e71cf12895a82b');


--
-- Data for Name: requests; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.requests VALUES ('3496d5dbc3a54517bc73b02d65ac6a7b', 'direct', 'done', 'U0ONCALL1', 'C0WORK', 'stream already reported', '["av00000000000000000000000000000065"]', 1796221642.9439425, 1796221642.9439425, 'U0ONCALL1', 1796221642.9439425, NULL, NULL, NULL, '[{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]', NULL, 1796221642.982827);
INSERT INTO public.requests VALUES ('1ec8dc6ba0f149649e967af6934185f0', 'approval', 'denied', 'U0MOD1', 'C0WORK', 'looks like spam', '["av00000000000000000000000000000068"]', 1796221643.197532, 1796826443.197532, 'U0ONCALL1', 1796221643.3089066, 'not spam', 'C0APPROVALS', '1796221643.000007', NULL, NULL, NULL);
INSERT INTO public.requests VALUES ('fd2eaa63fa7e4cf5ae2345d68b2cb954', 'approval', 'approved', 'U0MOD1', 'C0WORK', 'stop this one too', '["av0000000000000000000000000000006a"]', 1796221643.4185634, 1796826443.4185634, 'U0ONCALL1', 1796221643.5024428, NULL, 'C0APPROVALS', '1796221643.000011', NULL, NULL, 1796221643.5195024);
INSERT INTO public.requests VALUES ('972c526b3e854f4ba719fd35f8840013', 'approval', 'pending', 'U0MOD1', 'C0WORK', 'please stop these streams', '["av00000000000000000000000000000066", "av00000000000000000000000000000067"]', 1796221643.132537, 4102444800, NULL, NULL, NULL, 'C0APPROVALS', '1796221643.000005', NULL, NULL, NULL);


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_version VALUES (1);


--
-- Data for Name: tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tasks VALUES (1, 'cmd:3496d5dbc3a54517bc73b02d65ac6a7b', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000065"], "reason": "stream already reported"}}', NULL, 1796221642.9349294, 1796221642.9349294, 0, 1796221642.9678705, NULL);
INSERT INTO public.tasks VALUES (8, 'cmd:1ec8dc6ba0f149649e967af6934185f0', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}', NULL, 1796221643.1714978, 1796221643.1714978, 0, 1796221643.1783407, NULL);
INSERT INTO public.tasks VALUES (2, 'exec:3496d5dbc3a54517bc73b02d65ac6a7b', 'execute', 'urgent', NULL, '{"request_id": "3496d5dbc3a54517bc73b02d65ac6a7b", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}}', NULL, 1796221642.960188, 1796221642.960188, 0, 1796221643.028464, NULL);
INSERT INTO public.tasks VALUES (20, 'click:0ca11b060fc949e4b5af8fb8e1b64cc1', 'approve', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:39599/response/click", "message": ["C0APPROVALS", "1796221643.000011"]}, "request_id": "fd2eaa63fa7e4cf5ae2345d68b2cb954", "note": ""}', NULL, 1796221643.4992573, 1796221643.4992573, 0, 1796221643.5081954, NULL);
INSERT INTO public.tasks VALUES (3, '3496d5dbc3a54517bc73b02d65ac6a7b:result', 'slack.result', 'slack', '3496d5dbc3a54517bc73b02d65ac6a7b', '{"request_id": "3496d5dbc3a54517bc73b02d65ac6a7b", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}}', NULL, 1796221643.0254905, 1796221643.0254905, 0, 1796221643.0578458, NULL);
INSERT INTO public.tasks VALUES (4, 'cmd:972c526b3e854f4ba719fd35f8840013', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}', NULL, 1796221643.0522053, 1796221643.0522053, 0, 1796221643.0637856, NULL);
INSERT INTO public.tasks VALUES (7, 'request:972c526b3e854f4ba719fd35f8840013:tell', 'slack.tell', 'slack', '972c526b3e854f4ba719fd35f8840013', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}, "text": "Asked on-call to cancel 2 job(s): `av00000000000000000000000000000066`, `av00000000000000000000000000000067`. You will hear back here when they decide (request `972c526b`)."}', NULL, 1796221643.1394987, 1796221643.1394987, 0, 1796221643.194107, NULL);
INSERT INTO public.tasks VALUES (5, 'request:972c526b3e854f4ba719fd35f8840013', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}', NULL, 1796221643.0589764, 1796221643.0589764, 0, 1796221643.1501224, NULL);
INSERT INTO public.tasks VALUES (6, '972c526b3e854f4ba719fd35f8840013:post', 'slack.approval_post', 'slack', '972c526b3e854f4ba719fd35f8840013', '{"request_id": "972c526b3e854f4ba719fd35f8840013", "statuses": [{"job_id": "av00000000000000000000000000000066", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-066", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000066"}, {"job_id": "av00000000000000000000000000000067", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-067", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000067"}]}', NULL, 1796221643.1394987, 1796221643.1394987, 0, 1796221643.1722066, NULL);
INSERT INTO public.tasks VALUES (11, 'request:1ec8dc6ba0f149649e967af6934185f0:tell', 'slack.tell', 'slack', '1ec8dc6ba0f149649e967af6934185f0', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av00000000000000000000000000000068`. You will hear back here when they decide (request `1ec8dc6b`)."}', NULL, 1796221643.2145402, 1796221643.2145402, 0, 1796221643.3400784, NULL);
INSERT INTO public.tasks VALUES (10, '1ec8dc6ba0f149649e967af6934185f0:post', 'slack.approval_post', 'slack', '1ec8dc6ba0f149649e967af6934185f0', '{"request_id": "1ec8dc6ba0f149649e967af6934185f0", "statuses": [{"job_id": "av00000000000000000000000000000068", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-068", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000068"}]}', NULL, 1796221643.2145402, 1796221643.2145402, 0, 1796221643.2383585, NULL);
INSERT INTO public.tasks VALUES (13, 'form:033286727dae4064a2907442e26c8ff9', 'deny', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": null, "message": ["C0APPROVALS", "1796221643.000007"]}, "request_id": "1ec8dc6ba0f149649e967af6934185f0", "note": "not spam"}', NULL, 1796221643.304624, 1796221643.304624, 0, 1796221643.3157077, NULL);
INSERT INTO public.tasks VALUES (16, 'cmd:fd2eaa63fa7e4cf5ae2345d68b2cb954', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}', NULL, 1796221643.382675, 1796221643.382675, 0, 1796221643.3906617, NULL);
INSERT INTO public.tasks VALUES (18, 'fd2eaa63fa7e4cf5ae2345d68b2cb954:post', 'slack.approval_post', 'slack', 'fd2eaa63fa7e4cf5ae2345d68b2cb954', '{"request_id": "fd2eaa63fa7e4cf5ae2345d68b2cb954", "statuses": [{"job_id": "av0000000000000000000000000000006a", "ok": false, "code": "InvalidArgument", "message": "job does not exist", "request_id": "err-req-InvalidArgument", "hint": "The job is unknown or already finished. Check the job ID; nothing is left to cancel if it ended."}]}', NULL, 1796221643.421525, 1796221643.421525, 0, 1796221643.4550228, NULL);
INSERT INTO public.tasks VALUES (19, 'request:fd2eaa63fa7e4cf5ae2345d68b2cb954:tell', 'slack.tell', 'slack', 'fd2eaa63fa7e4cf5ae2345d68b2cb954', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av0000000000000000000000000000006a`. You will hear back here when they decide (request `fd2eaa63`)."}', NULL, 1796221643.421525, 1796221643.421525, 0, 1796221643.5282578, NULL);
INSERT INTO public.tasks VALUES (9, 'request:1ec8dc6ba0f149649e967af6934185f0', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}', NULL, 1796221643.1758938, 1796221643.1758938, 0, 1796221643.2222738, NULL);
INSERT INTO public.tasks VALUES (12, 'click:f2938e214d7d4c98885859ec4f1a44d1', 'deny_click', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:39599/response/click", "message": ["C0APPROVALS", "1796221643.000007"]}, "request_id": "1ec8dc6ba0f149649e967af6934185f0", "note": ""}', NULL, 1796221643.2866783, 1796221643.2866783, 0, 1796221643.2990074, NULL);
INSERT INTO public.tasks VALUES (14, '1ec8dc6ba0f149649e967af6934185f0:update:denied', 'slack.approval_update', 'slack', '1ec8dc6ba0f149649e967af6934185f0', '{"request_id": "1ec8dc6ba0f149649e967af6934185f0"}', NULL, 1796221643.3107939, 1796221643.3107939, 0, 1796221643.4161456, NULL);
INSERT INTO public.tasks VALUES (17, 'request:fd2eaa63fa7e4cf5ae2345d68b2cb954', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:39599/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}', NULL, 1796221643.3883772, 1796221643.3883772, 0, 1796221643.4253967, NULL);
INSERT INTO public.tasks VALUES (15, '1ec8dc6ba0f149649e967af6934185f0:dm:denied', 'slack.requester_dm', 'slack', '1ec8dc6ba0f149649e967af6934185f0', '{"request_id": "1ec8dc6ba0f149649e967af6934185f0", "user_id": "U0MOD1"}', NULL, 1796221643.3107939, 1796221643.3107939, 0, 1796221643.4536824, NULL);
INSERT INTO public.tasks VALUES (22, 'exec:fd2eaa63fa7e4cf5ae2345d68b2cb954', 'execute', 'urgent', NULL, '{"request_id": "fd2eaa63fa7e4cf5ae2345d68b2cb954"}', '1502979910524816b0e71cf12895a82b', 1796221643.5044127, 1796221643.5044127, 0, NULL, NULL);
INSERT INTO public.tasks VALUES (21, 'fd2eaa63fa7e4cf5ae2345d68b2cb954:update:approved', 'slack.approval_update', 'slack', 'fd2eaa63fa7e4cf5ae2345d68b2cb954', '{"request_id": "fd2eaa63fa7e4cf5ae2345d68b2cb954"}', NULL, 1796221643.5044127, 1796221643.5044127, 0, 1796221643.6448464, NULL);


--
-- Data for Name: workers; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.workers VALUES ('1502979910524816b0e71cf12895a82b', 'vm:24623', 'vm', 24623, '25e306fb809e44a5a1e2a0f0e218f6e4', 1796221642.887215, 1796221643.958346);


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

SELECT pg_catalog.setval('public.tasks_seq_seq', 22, true);


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


