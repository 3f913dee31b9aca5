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
    lease_until double precision
);


--
-- Name: schema_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_version (
    version integer NOT NULL
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
-- Data for Name: audit_chain_head; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_chain_head VALUES (1, 6, '9d88b1c3552818c766c215769b72102913fb45469e018592397c535b9bd27f07');


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_log VALUES (1, 1796221647.10604, 'cancelled', 'U0ONCALL1', '12dc2cf5a9c04b238edcf008bb23be4e', '{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "jobs": 1, "cancelled": 1, "failed_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled"}]}', 1796221647.1328323, 0, NULL, '0000000000000000000000000000000000000000000000000000000000000000', '2cf5373c4402a1455b6d318e3ad837fe6bb32a6fdf790d97c6f2844b69cf160c');
INSERT INTO public.audit_log VALUES (6, 1796221647.4985461, 'approved', 'U0ONCALL1', '601cd5e7eb3345c3a8bf271ed39be483', '{"note": ""}', 1796221647.5168657, 0, NULL, '9f5ce756ab038d3776bef699b4f9b28c3ec62f2581835b5c4d38faa867397902', '9d88b1c3552818c766c215769b72102913fb45469e018592397c535b9bd27f07');
INSERT INTO public.audit_log VALUES (2, 1796221647.2085927, 'requested', 'U0MOD1', 'af663179997743a99ae84d4099c99dcd', '{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}', 1796221647.2395208, 0, NULL, '2cf5373c4402a1455b6d318e3ad837fe6bb32a6fdf790d97c6f2844b69cf160c', '86d214982276223d7e88441a34aaf6e4be1a116c56f72d86a74950b7cc7ab9ee');
INSERT INTO public.audit_log VALUES (3, 1796221647.2881343, 'requested', 'U0MOD1', '75024390d7764cc0b325d606d3ee912a', '{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}', 1796221647.3136091, 0, NULL, '86d214982276223d7e88441a34aaf6e4be1a116c56f72d86a74950b7cc7ab9ee', 'dfaaaaeecc81b44adc1deb2de4909b85066bd497c03a84adcda02c742dd91819');
INSERT INTO public.audit_log VALUES (4, 1796221647.3622599, 'denied', 'U0ONCALL1', '75024390d7764cc0b325d606d3ee912a', '{"note": "not spam"}', 1796221647.3797574, 0, NULL, 'dfaaaaeecc81b44adc1deb2de4909b85066bd497c03a84adcda02c742dd91819', '710b0632efe76a7dd44bf278c8c76d129c3e5adf32089132c108cda3391d70e3');
INSERT INTO public.audit_log VALUES (5, 1796221647.4371383, 'requested', 'U0MOD1', '601cd5e7eb3345c3a8bf271ed39be483', '{"reason": "stop this one too", "job_ids": ["av0000000000000000000000000000006a"], "channel": "C0WORK"}', 1796221647.4512465, 0, NULL, '710b0632efe76a7dd44bf278c8c76d129c3e5adf32089132c108cda3391d70e3', '9f5ce756ab038d3776bef699b4f9b28c3ec62f2581835b5c4d38faa867397902');


--
-- Data for Name: ci_rate_slots; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ci_rate_slots VALUES (1, 1796221647.099433);
INSERT INTO public.ci_rate_slots VALUES (2, 1796221647.154245);
INSERT INTO public.ci_rate_slots VALUES (3, 1796221647.158649);
INSERT INTO public.ci_rate_slots VALUES (4, 1796221647.240334);
INSERT INTO public.ci_rate_slots VALUES (5, 1796221647.433591);
INSERT INTO public.ci_rate_slots VALUES (6, 1796221647.512104);


--
-- Data for Name: requests; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.requests VALUES ('12dc2cf5a9c04b238edcf008bb23be4e', 'direct', 'done', 'U0ONCALL1', 'C0WORK', 'stream already reported', '["av00000000000000000000000000000065"]', 1796221647.0878193, 1796221647.0878193, 'U0ONCALL1', 1796221647.0878193, NULL, NULL, NULL, '[{"job_id": "av00000000000000000000000000000065", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled"}]', NULL);
INSERT INTO public.requests VALUES ('75024390d7764cc0b325d606d3ee912a', 'approval', 'denied', 'U0MOD1', 'C0WORK', 'looks like spam', '["av00000000000000000000000000000068"]', 1796221647.2881343, 1796826447.2881343, 'U0ONCALL1', 1796221647.3622599, 'not spam', 'C0APPROVALS', '5.000100', NULL, NULL);
INSERT INTO public.requests VALUES ('601cd5e7eb3345c3a8bf271ed39be483', 'approval', 'approved', 'U0MOD1', 'C0WORK', 'stop this one too', '["av0000000000000000000000000000006a"]', 1796221647.4371383, 1796826447.4371383, 'U0ONCALL1', 1796221647.4985461, NULL, 'C0APPROVALS', '9.000100', NULL, 1796221947.4985461);
INSERT INTO public.requests VALUES ('af663179997743a99ae84d4099c99dcd', 'approval', 'pending', 'U0MOD1', 'C0WORK', 'please stop these streams', '["av00000000000000000000000000000066", "av00000000000000000000000000000067"]', 1796221647.2085927, 4102444800, NULL, NULL, NULL, 'C0APPROVALS', '3.000100', NULL, NULL);


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_version VALUES (2);


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_id_seq', 6, true);


--
-- Name: ci_rate_slots_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ci_rate_slots_id_seq', 6, true);


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
-- Name: requests requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.requests
    ADD CONSTRAINT requests_pkey PRIMARY KEY (id);


--
-- Name: ix_audit_unposted; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_unposted ON public.audit_log USING btree (posted_at);


--
-- Name: ix_ci_rate_slots_slot_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_ci_rate_slots_slot_at ON public.ci_rate_slots USING btree (slot_at);


--
-- Name: ix_requests_state_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_requests_state_expiry ON public.requests USING btree (state, expires_at);


--
-- PostgreSQL database dump complete
--


