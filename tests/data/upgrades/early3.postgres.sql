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

INSERT INTO public.audit_chain_head VALUES (1, 8, '9446fe42a70400c755b5df895d52c11f1eece21185496234281b7d6eaf2bfce6');


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_log VALUES (8, 1796221651.9695244, 'started', 'U0ONCALL1', 'f1bcf2b3affc40cd835babd2c0a73a6c', '{"reason": "stop this one too", "kind": "approval", "requester": "U0MOD1", "channel": "C0WORK", "job_ids": ["av0000000000000000000000000000006a"]}', 1796221652.0949914, 1, 1796221652.0812714, '7f276b141bf23104fa5b3235b9c493246a979a735ced0f43f57f2c102141a7f8', '9446fe42a70400c755b5df895d52c11f1eece21185496234281b7d6eaf2bfce6');
INSERT INTO public.audit_log VALUES (5, 1796221651.735861, 'denied', 'U0ONCALL1', 'cf564faa739a46c0853a8584ee150848', '{"note": "not spam", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam", "requester": "U0MOD1", "channel": "C0WORK"}', 1796221651.7718034, 1, 1796221651.7603567, '27ff51a1fc7e9a0c17185b2103f65d63d133ba83b5bd59f955af277486510893', '5d3fa811588ecec2fc3944676df03d80b6603d618f140132114d489a4ee8ec04');
INSERT INTO public.audit_log VALUES (1, 1796221651.3532183, 'started', 'U0ONCALL1', '3a8445cd65834a768de9c6140670a51c', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "job_ids": ["av00000000000000000000000000000065"]}', 1796221651.452935, 1, 1796221651.4302323, '0000000000000000000000000000000000000000000000000000000000000000', '85226e1da22c376a2ba495ad018826ec907993754e33638d7ff2f6794c7d89af');
INSERT INTO public.audit_log VALUES (2, 1796221651.4051437, 'cancelled', 'U0ONCALL1', '3a8445cd65834a768de9c6140670a51c', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "jobs": 1, "cancelled": 1, "failed_jobs": [], "unknown_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]}', 1796221651.4613793, 1, 1796221651.4578414, '85226e1da22c376a2ba495ad018826ec907993754e33638d7ff2f6794c7d89af', 'ff84fba5135ba13606c6ca9ad1c773c3fce522431dabde904474ddf819bbc6ca');
INSERT INTO public.audit_log VALUES (3, 1796221651.5447147, 'requested', 'U0MOD1', 'e62af68d023c410b8108d482a864ec86', '{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}', 1796221651.5772085, 1, 1796221651.5635417, 'ff84fba5135ba13606c6ca9ad1c773c3fce522431dabde904474ddf819bbc6ca', '4dd67a0b23d82c4ce652acbd0358b8f5ea0e9385b064b755c1fc85a79d7fcf1a');
INSERT INTO public.audit_log VALUES (6, 1796221651.8355231, 'requested', 'U0MOD1', 'f1bcf2b3affc40cd835babd2c0a73a6c', '{"reason": "stop this one too", "job_ids": ["av0000000000000000000000000000006a"], "channel": "C0WORK"}', 1796221651.8761497, 1, 1796221651.8705616, '5d3fa811588ecec2fc3944676df03d80b6603d618f140132114d489a4ee8ec04', '220d954d598d457caeb2809e1e7e3d9866ac65483db23a2bceede2ad11576ef1');
INSERT INTO public.audit_log VALUES (4, 1796221651.6419454, 'requested', 'U0MOD1', 'cf564faa739a46c0853a8584ee150848', '{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}', 1796221651.6743045, 1, 1796221651.662297, '4dd67a0b23d82c4ce652acbd0358b8f5ea0e9385b064b755c1fc85a79d7fcf1a', '27ff51a1fc7e9a0c17185b2103f65d63d133ba83b5bd59f955af277486510893');
INSERT INTO public.audit_log VALUES (7, 1796221651.9218028, 'approved', 'U0ONCALL1', 'f1bcf2b3affc40cd835babd2c0a73a6c', '{"note": "", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too", "requester": "U0MOD1", "channel": "C0WORK"}', 1796221651.9679003, 1, 1796221651.9583132, '220d954d598d457caeb2809e1e7e3d9866ac65483db23a2bceede2ad11576ef1', '7f276b141bf23104fa5b3235b9c493246a979a735ced0f43f57f2c102141a7f8');


--
-- Data for Name: ci_rate_slots; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ci_rate_slots VALUES (1, 1796221651.380202);
INSERT INTO public.ci_rate_slots VALUES (2, 1796221651.486466);
INSERT INTO public.ci_rate_slots VALUES (3, 1796221651.492007);
INSERT INTO public.ci_rate_slots VALUES (4, 1796221651.631975);
INSERT INTO public.ci_rate_slots VALUES (5, 1796221651.830958);
INSERT INTO public.ci_rate_slots VALUES (6, 1796221651.992638);


--
-- Data for Name: job_results; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.job_results VALUES ('3a8445cd65834a768de9c6140670a51c', 'av00000000000000000000000000000065', 0, 1, '{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}', 1796221651.396245);
INSERT INTO public.job_results VALUES ('e62af68d023c410b8108d482a864ec86', 'av00000000000000000000000000000066', 0, 0, NULL, 1796221651.5488145);
INSERT INTO public.job_results VALUES ('e62af68d023c410b8108d482a864ec86', 'av00000000000000000000000000000067', 1, 0, NULL, 1796221651.5491416);
INSERT INTO public.job_results VALUES ('cf564faa739a46c0853a8584ee150848', 'av00000000000000000000000000000068', 0, 0, NULL, 1796221651.6458673);
INSERT INTO public.job_results VALUES ('f1bcf2b3affc40cd835babd2c0a73a6c', 'av0000000000000000000000000000006a', 0, 1, NULL, 1796221651.9821656);


--
-- Data for Name: leases; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.leases VALUES ('audit-poster', 'e4950d674856462abecfee08715f752f');


--
-- Data for Name: requests; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.requests VALUES ('3a8445cd65834a768de9c6140670a51c', 'direct', 'done', 'U0ONCALL1', 'C0WORK', 'stream already reported', '["av00000000000000000000000000000065"]', 1796221651.3200502, 1796221651.3200502, 'U0ONCALL1', 1796221651.3200502, NULL, NULL, NULL, '[{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]', NULL, 1796221651.3532183);
INSERT INTO public.requests VALUES ('cf564faa739a46c0853a8584ee150848', 'approval', 'denied', 'U0MOD1', 'C0WORK', 'looks like spam', '["av00000000000000000000000000000068"]', 1796221651.6419454, 1796826451.6419454, 'U0ONCALL1', 1796221651.735861, 'not spam', 'C0APPROVALS', '1796221651.000007', NULL, NULL, NULL);
INSERT INTO public.requests VALUES ('f1bcf2b3affc40cd835babd2c0a73a6c', 'approval', 'approved', 'U0MOD1', 'C0WORK', 'stop this one too', '["av0000000000000000000000000000006a"]', 1796221651.8355231, 1796826451.8355231, 'U0ONCALL1', 1796221651.9218028, NULL, 'C0APPROVALS', '1796221651.000010', NULL, NULL, 1796221651.9695244);
INSERT INTO public.requests VALUES ('e62af68d023c410b8108d482a864ec86', 'approval', 'pending', 'U0MOD1', 'C0WORK', 'please stop these streams', '["av00000000000000000000000000000066", "av00000000000000000000000000000067"]', 1796221651.5447147, 4102444800, NULL, NULL, NULL, 'C0APPROVALS', '1796221651.000005', NULL, NULL, NULL);


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_version VALUES (3);


--
-- Data for Name: tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tasks VALUES (1, 'cmd:3a8445cd65834a768de9c6140670a51c', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000065"], "reason": "stream already reported"}}', NULL, 1796221651.3142707, 1796221651.3142707, 0, 1796221651.336767, NULL);
INSERT INTO public.tasks VALUES (8, 'cmd:cf564faa739a46c0853a8584ee150848', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}', NULL, 1796221651.6054435, 1796221651.6054435, 0, 1796221651.6096554, NULL);
INSERT INTO public.tasks VALUES (2, 'exec:3a8445cd65834a768de9c6140670a51c', 'execute', 'urgent', NULL, '{"request_id": "3a8445cd65834a768de9c6140670a51c", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}}', NULL, 1796221651.3290553, 1796221651.3290553, 0, 1796221651.4165936, NULL);
INSERT INTO public.tasks VALUES (6, 'e62af68d023c410b8108d482a864ec86:post', 'slack.approval_post', 'slack', 'e62af68d023c410b8108d482a864ec86', '{"request_id": "e62af68d023c410b8108d482a864ec86", "statuses": [{"job_id": "av00000000000000000000000000000066", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-066", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000066"}, {"job_id": "av00000000000000000000000000000067", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-067", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000067"}]}', NULL, 1796221651.5513008, 1796221651.5513008, 0, 1796221651.6094098, NULL);
INSERT INTO public.tasks VALUES (4, 'cmd:e62af68d023c410b8108d482a864ec86', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}', NULL, 1796221651.4354246, 1796221651.4354246, 0, 1796221651.4460924, NULL);
INSERT INTO public.tasks VALUES (3, '3a8445cd65834a768de9c6140670a51c:result', 'slack.result', 'slack', '3a8445cd65834a768de9c6140670a51c', '{"request_id": "3a8445cd65834a768de9c6140670a51c", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}}', NULL, 1796221651.4089105, 1796221651.4089105, 0, 1796221651.4551718, NULL);
INSERT INTO public.tasks VALUES (13, 'form:bf66af314f674bb9b12032c9ca85b2d5', 'deny', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": null, "message": ["C0APPROVALS", "1796221651.000007"]}, "request_id": "cf564faa739a46c0853a8584ee150848", "note": "not spam"}', NULL, 1796221651.7333224, 1796221651.7333224, 0, 1796221651.7504876, NULL);
INSERT INTO public.tasks VALUES (5, 'request:e62af68d023c410b8108d482a864ec86', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}', NULL, 1796221651.4400787, 1796221651.4400787, 0, 1796221651.5606194, NULL);
INSERT INTO public.tasks VALUES (10, 'cf564faa739a46c0853a8584ee150848:post', 'slack.approval_post', 'slack', 'cf564faa739a46c0853a8584ee150848', '{"request_id": "cf564faa739a46c0853a8584ee150848", "statuses": [{"job_id": "av00000000000000000000000000000068", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-068", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000068"}]}', NULL, 1796221651.6506906, 1796221651.6506906, 0, 1796221651.6881008, NULL);
INSERT INTO public.tasks VALUES (7, 'request:e62af68d023c410b8108d482a864ec86:tell', 'slack.tell', 'slack', 'e62af68d023c410b8108d482a864ec86', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}, "text": "Asked on-call to cancel 2 job(s): `av00000000000000000000000000000066`, `av00000000000000000000000000000067`. You will hear back here when they decide (request `e62af68d`)."}', NULL, 1796221651.5513008, 1796221651.5513008, 0, 1796221651.638064, NULL);
INSERT INTO public.tasks VALUES (9, 'request:cf564faa739a46c0853a8584ee150848', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}', NULL, 1796221651.6074588, 1796221651.6074588, 0, 1796221651.65898, NULL);
INSERT INTO public.tasks VALUES (12, 'click:b9d334c16a254bad9cf3ab648958abe9', 'deny_click', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:41213/response/click", "message": ["C0APPROVALS", "1796221651.000007"]}, "request_id": "cf564faa739a46c0853a8584ee150848", "note": ""}', NULL, 1796221651.7209294, 1796221651.7209294, 0, 1796221651.7257285, NULL);
INSERT INTO public.tasks VALUES (11, 'request:cf564faa739a46c0853a8584ee150848:tell', 'slack.tell', 'slack', 'cf564faa739a46c0853a8584ee150848', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av00000000000000000000000000000068`. You will hear back here when they decide (request `cf564faa`)."}', NULL, 1796221651.6506906, 1796221651.6506906, 0, 1796221651.773657, NULL);
INSERT INTO public.tasks VALUES (15, 'cf564faa739a46c0853a8584ee150848:dm:denied', 'slack.requester_dm', 'slack', 'cf564faa739a46c0853a8584ee150848', '{"request_id": "cf564faa739a46c0853a8584ee150848", "user_id": "U0MOD1"}', NULL, 1796221651.7444434, 1796221651.7444434, 0, 1796221651.898876, NULL);
INSERT INTO public.tasks VALUES (22, 'exec:f1bcf2b3affc40cd835babd2c0a73a6c', 'execute', 'urgent', NULL, '{"request_id": "f1bcf2b3affc40cd835babd2c0a73a6c"}', 'e4950d674856462abecfee08715f752f', 1796221651.9370637, 1796221651.9370637, 0, NULL, NULL);
INSERT INTO public.tasks VALUES (21, 'f1bcf2b3affc40cd835babd2c0a73a6c:update:approved', 'slack.approval_update', 'slack', 'f1bcf2b3affc40cd835babd2c0a73a6c', '{"request_id": "f1bcf2b3affc40cd835babd2c0a73a6c"}', NULL, 1796221651.9370637, 1796221651.9370637, 0, 1796221652.1127496, NULL);
INSERT INTO public.tasks VALUES (16, 'cmd:f1bcf2b3affc40cd835babd2c0a73a6c', 'command', 'urgent', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}', NULL, 1796221651.8053832, 1796221651.8053832, 0, 1796221651.810972, NULL);
INSERT INTO public.tasks VALUES (14, 'cf564faa739a46c0853a8584ee150848:update:denied', 'slack.approval_update', 'slack', 'cf564faa739a46c0853a8584ee150848', '{"request_id": "cf564faa739a46c0853a8584ee150848"}', NULL, 1796221651.7444434, 1796221651.7444434, 0, 1796221651.8654377, NULL);
INSERT INTO public.tasks VALUES (20, 'click:672f02490ef04666b90eba247afb75ee', 'approve', 'urgent', NULL, '{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:41213/response/click", "message": ["C0APPROVALS", "1796221651.000010"]}, "request_id": "f1bcf2b3affc40cd835babd2c0a73a6c", "note": ""}', NULL, 1796221651.918992, 1796221651.918992, 0, 1796221651.952796, NULL);
INSERT INTO public.tasks VALUES (17, 'request:f1bcf2b3affc40cd835babd2c0a73a6c', 'request', 'lookup', NULL, '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}', NULL, 1796221651.807903, 1796221651.807903, 0, 1796221651.8628314, NULL);
INSERT INTO public.tasks VALUES (18, 'f1bcf2b3affc40cd835babd2c0a73a6c:post', 'slack.approval_post', 'slack', 'f1bcf2b3affc40cd835babd2c0a73a6c', '{"request_id": "f1bcf2b3affc40cd835babd2c0a73a6c", "statuses": [{"job_id": "av0000000000000000000000000000006a", "ok": false, "code": "InvalidArgument", "message": "job does not exist", "request_id": "err-req-InvalidArgument", "hint": "The job is unknown or already finished. Check the job ID; nothing is left to cancel if it ended."}]}', NULL, 1796221651.8532941, 1796221651.8532941, 0, 1796221651.9091249, NULL);
INSERT INTO public.tasks VALUES (19, 'request:f1bcf2b3affc40cd835babd2c0a73a6c:tell', 'slack.tell', 'slack', 'f1bcf2b3affc40cd835babd2c0a73a6c', '{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:41213/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av0000000000000000000000000000006a`. You will hear back here when they decide (request `f1bcf2b3`)."}', NULL, 1796221651.8532941, 1796221651.8532941, 0, 1796221651.9898026, NULL);


--
-- Data for Name: workers; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.workers VALUES ('e4950d674856462abecfee08715f752f', 'vm:25081', 'vm', 25081, 'ece1410b3f084cc0996e79c9bf084f5f', 1796221651.251282, 1796221652.325498);


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


