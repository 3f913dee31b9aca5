BEGIN TRANSACTION;
CREATE TABLE audit_chain_head (
	id INTEGER NOT NULL, 
	last_id INTEGER NOT NULL, 
	last_hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "audit_chain_head" VALUES(1,8,'5dbf8ffd3c662a6b169ff990e2f258e22a033904a24676b9b42d1dc86a5d6c62');
CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at FLOAT NOT NULL, 
	event VARCHAR(16) NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	request_id VARCHAR(32), 
	detail TEXT NOT NULL, 
	posted_at FLOAT, 
	post_attempts INTEGER DEFAULT '0' NOT NULL, 
	claimed_until FLOAT, 
	prev_hash VARCHAR(64), 
	hash VARCHAR(64), 
	PRIMARY KEY (id)
);
INSERT INTO "audit_log" VALUES(1,1.79622244007989549643e+09,'started','U0ONCALL1','14bf0c706f264fecb8fe073db4b7fe9e','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "job_ids": ["av00000000000000000000000000000065"]}',1.79622244013612771037e+09,1,1.79622244010970354079e+09,'0000000000000000000000000000000000000000000000000000000000000000','f5eb92abca9aa183261a0911da040228b00be15a22b1013b9cc44cc8aaa5dfa9');
INSERT INTO "audit_log" VALUES(2,1.79622244010083055498e+09,'cancelled','U0ONCALL1','14bf0c706f264fecb8fe073db4b7fe9e','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "jobs": 1, "cancelled": 1, "failed_jobs": [], "unknown_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]}',1.79622244016242218014e+09,1,1.79622244014145565028e+09,'f5eb92abca9aa183261a0911da040228b00be15a22b1013b9cc44cc8aaa5dfa9','d4f4a159cd2bc849c70a0d63efc824df4dc048740f277549fd9fa0bb71a881be');
INSERT INTO "audit_log" VALUES(3,1.79622244025642967225e+09,'requested','U0MOD1','b4a2343a40264854ad7b9a56cf7ad4a6','{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}',1.79622244028829121595e+09,1,1.79622244027028584475e+09,'d4f4a159cd2bc849c70a0d63efc824df4dc048740f277549fd9fa0bb71a881be','94979ee5cfff8fb7343df0faaf41e7c641eac5b25c59cfc171f6b8f2977a49c6');
INSERT INTO "audit_log" VALUES(4,1.79622244033863472933e+09,'requested','U0MOD1','5631e3f9149f4ec8b342ae4c440f2183','{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}',1.79622244036187076569e+09,1,1796222440.34847,'94979ee5cfff8fb7343df0faaf41e7c641eac5b25c59cfc171f6b8f2977a49c6','855ff8b603b3ebf76794ec2832ed6c6e598a599df44354398808548fbb02bf5c');
INSERT INTO "audit_log" VALUES(5,1.7962224404484713078e+09,'denied','U0ONCALL1','5631e3f9149f4ec8b342ae4c440f2183','{"note": "not spam", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam", "requester": "U0MOD1", "channel": "C0WORK"}',1.79622244047487783424e+09,1,1.79622244046631932262e+09,'855ff8b603b3ebf76794ec2832ed6c6e598a599df44354398808548fbb02bf5c','2866ca1476ecd8c6083314fe59ee02d5aeaca35c078fa6439388503ca71aec08');
INSERT INTO "audit_log" VALUES(6,1.79622244056458163258e+09,'requested','U0MOD1','4f921a8681de4cc6bbc9b9f711ed5830','{"reason": "stop this one too", "job_ids": ["av0000000000000000000000000000006a"], "channel": "C0WORK"}',1.79622244058087801935e+09,1,1.79622244057419729228e+09,'2866ca1476ecd8c6083314fe59ee02d5aeaca35c078fa6439388503ca71aec08','6d487d89c9d3a88b6f80e68ae95f9813ff5a9d6368b875af2205c0ea89e6a2c1');
INSERT INTO "audit_log" VALUES(7,1.79622244064330053333e+09,'approved','U0ONCALL1','4f921a8681de4cc6bbc9b9f711ed5830','{"note": "", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too", "requester": "U0MOD1", "channel": "C0WORK"}',1.79622244066772747037e+09,1,1.79622244065550947184e+09,'6d487d89c9d3a88b6f80e68ae95f9813ff5a9d6368b875af2205c0ea89e6a2c1','3c24874b988fd36413c7a06d6a1cc6fadbdba7ca1d682df2f4c01445c90ae4ec');
INSERT INTO "audit_log" VALUES(8,1.79622244067181873316e+09,'started','U0ONCALL1','4f921a8681de4cc6bbc9b9f711ed5830','{"reason": "stop this one too", "kind": "approval", "requester": "U0MOD1", "channel": "C0WORK", "job_ids": ["av0000000000000000000000000000006a"]}',1.79622244078279852865e+09,1,1.79622244077347803115e+09,'3c24874b988fd36413c7a06d6a1cc6fadbdba7ca1d682df2f4c01445c90ae4ec','5dbf8ffd3c662a6b169ff990e2f258e22a033904a24676b9b42d1dc86a5d6c62');
CREATE TABLE ci_rate_slots (
	id INTEGER NOT NULL, 
	slot_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "ci_rate_slots" VALUES(1,1.79622244009504461285e+09);
INSERT INTO "ci_rate_slots" VALUES(2,1.79622244020059061049e+09);
INSERT INTO "ci_rate_slots" VALUES(3,1.79622244025222086902e+09);
INSERT INTO "ci_rate_slots" VALUES(4,1.79622244033521389966e+09);
INSERT INTO "ci_rate_slots" VALUES(5,1.79622244056251811981e+09);
INSERT INTO "ci_rate_slots" VALUES(6,1.79622250473430156714e+09);
CREATE TABLE home_views (
	user_id VARCHAR(64) NOT NULL, 
	opened_at FLOAT NOT NULL, 
	shown_version INTEGER DEFAULT '0' NOT NULL, 
	PRIMARY KEY (user_id)
);
CREATE TABLE job_results (
	request_id VARCHAR(32) NOT NULL, 
	job_id VARCHAR(64) NOT NULL, 
	position INTEGER NOT NULL, 
	sends INTEGER DEFAULT '0' NOT NULL, 
	outcome TEXT, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (request_id, job_id)
);
INSERT INTO "job_results" VALUES('14bf0c706f264fecb8fe073db4b7fe9e','av00000000000000000000000000000065',0,1,'{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}',1.79622244009772109984e+09);
INSERT INTO "job_results" VALUES('b4a2343a40264854ad7b9a56cf7ad4a6','av00000000000000000000000000000066',0,0,NULL,1.79622244026253294942e+09);
INSERT INTO "job_results" VALUES('b4a2343a40264854ad7b9a56cf7ad4a6','av00000000000000000000000000000067',1,0,NULL,1.796222440262709856e+09);
INSERT INTO "job_results" VALUES('5631e3f9149f4ec8b342ae4c440f2183','av00000000000000000000000000000068',0,0,NULL,1.79622244033975291249e+09);
INSERT INTO "job_results" VALUES('4f921a8681de4cc6bbc9b9f711ed5830','av0000000000000000000000000000006a',0,1,NULL,1.79622244068273425104e+09);
CREATE TABLE leases (
	name VARCHAR(32) NOT NULL, 
	holder VARCHAR(32), 
	PRIMARY KEY (name)
);
INSERT INTO "leases" VALUES('audit-poster','3eea67b4eb2541f88862567adf5fa644');
CREATE TABLE requests (
	id VARCHAR(32) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	requester VARCHAR(64) NOT NULL, 
	origin_channel VARCHAR(32) DEFAULT '' NOT NULL, 
	reason TEXT NOT NULL, 
	job_ids TEXT NOT NULL, 
	created_at FLOAT NOT NULL, 
	expires_at FLOAT NOT NULL, 
	decided_by VARCHAR(64), 
	decided_at FLOAT, 
	decision_note TEXT, 
	message_channel VARCHAR(32), 
	message_ts VARCHAR(32), 
	outcome TEXT, 
	lease_until FLOAT, 
	started_at FLOAT, 
	retries INTEGER, 
	PRIMARY KEY (id)
);
INSERT INTO "requests" VALUES('14bf0c706f264fecb8fe073db4b7fe9e','direct','done','U0ONCALL1','C0WORK','stream already reported','["av00000000000000000000000000000065"]',1.79622244000488185886e+09,1.79622244000488185886e+09,'U0ONCALL1',1.79622244000488185886e+09,NULL,NULL,NULL,'[{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]',NULL,1.79622244007989549643e+09,NULL);
INSERT INTO "requests" VALUES('b4a2343a40264854ad7b9a56cf7ad4a6','approval','pending','U0MOD1','C0WORK','please stop these streams','["av00000000000000000000000000000066", "av00000000000000000000000000000067"]',1.79622244025642967225e+09,4102444800.0,NULL,NULL,NULL,'C0APPROVALS','1796222440.000005',NULL,NULL,NULL,NULL);
INSERT INTO "requests" VALUES('5631e3f9149f4ec8b342ae4c440f2183','approval','denied','U0MOD1','C0WORK','looks like spam','["av00000000000000000000000000000068"]',1.79622244033863472933e+09,1.79682724033863472942e+09,'U0ONCALL1',1.7962224404484713078e+09,'not spam','C0APPROVALS','1796222440.000007',NULL,NULL,NULL,NULL);
INSERT INTO "requests" VALUES('4f921a8681de4cc6bbc9b9f711ed5830','approval','approved','U0MOD1','C0WORK','stop this one too','["av0000000000000000000000000000006a"]',1.79622244056458163258e+09,1.79682724056458163267e+09,'U0ONCALL1',1.79622244064330053333e+09,NULL,'C0APPROVALS','1796222440.000010',NULL,NULL,1.79622244067181873316e+09,NULL);
CREATE TABLE schema_version (
	version INTEGER NOT NULL
);
INSERT INTO "schema_version" VALUES(3);
CREATE TABLE tasks (
	seq INTEGER NOT NULL, 
	"key" VARCHAR(128) NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	lane VARCHAR(16) NOT NULL, 
	stream VARCHAR(64), 
	payload TEXT NOT NULL, 
	owner VARCHAR(32), 
	created_at FLOAT NOT NULL, 
	next_at FLOAT NOT NULL, 
	attempts INTEGER DEFAULT '0' NOT NULL, 
	done_at FLOAT, 
	error TEXT, 
	PRIMARY KEY (seq), 
	UNIQUE ("key")
);
INSERT INTO "tasks" VALUES(1,'cmd:14bf0c706f264fecb8fe073db4b7fe9e','command','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000065"], "reason": "stream already reported"}}',NULL,1.79622243999831438061e+09,1.79622243999831438061e+09,0,1.79622244005593585973e+09,NULL);
INSERT INTO "tasks" VALUES(2,'exec:14bf0c706f264fecb8fe073db4b7fe9e','execute','urgent',NULL,'{"request_id": "14bf0c706f264fecb8fe073db4b7fe9e", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}}',NULL,1796222440.04379,1796222440.04379,0,1.79622244010522699349e+09,NULL);
INSERT INTO "tasks" VALUES(3,'14bf0c706f264fecb8fe073db4b7fe9e:result','slack.result','slack','14bf0c706f264fecb8fe073db4b7fe9e','{"request_id": "14bf0c706f264fecb8fe073db4b7fe9e", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}}',NULL,1.79622244010333037373e+09,1.79622244010333037373e+09,0,1.79622244022467207908e+09,NULL);
INSERT INTO "tasks" VALUES(4,'cmd:b4a2343a40264854ad7b9a56cf7ad4a6','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}',NULL,1.79622244013874483112e+09,1.79622244013874483112e+09,0,1.7962224401529631615e+09,NULL);
INSERT INTO "tasks" VALUES(5,'request:b4a2343a40264854ad7b9a56cf7ad4a6','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}',NULL,1.79622244015062165257e+09,1.79622244015062165257e+09,0,1.79622244026708292961e+09,NULL);
INSERT INTO "tasks" VALUES(6,'b4a2343a40264854ad7b9a56cf7ad4a6:post','slack.approval_post','slack','b4a2343a40264854ad7b9a56cf7ad4a6','{"request_id": "b4a2343a40264854ad7b9a56cf7ad4a6", "statuses": [{"job_id": "av00000000000000000000000000000066", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-066", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000066"}, {"job_id": "av00000000000000000000000000000067", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-067", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000067"}]}',NULL,1.79622244026374888424e+09,1.79622244026374888424e+09,1,1.79622244030619740481e+09,NULL);
INSERT INTO "tasks" VALUES(7,'request:b4a2343a40264854ad7b9a56cf7ad4a6:tell','slack.tell','slack','b4a2343a40264854ad7b9a56cf7ad4a6','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}, "text": "Asked on-call to cancel 2 job(s): `av00000000000000000000000000000066`, `av00000000000000000000000000000067`. You will hear back here when they decide (request `b4a2343a`)."}',NULL,1.79622244026374888424e+09,1.79622244026374888424e+09,0,1.79622244033388948434e+09,NULL);
INSERT INTO "tasks" VALUES(8,'b4a2343a40264854ad7b9a56cf7ad4a6:reminder','slack.reminder','slack',NULL,'{"request_id": "b4a2343a40264854ad7b9a56cf7ad4a6"}',NULL,1.79622244026374888424e+09,1.79652484025642108916e+09,0,NULL,NULL);
INSERT INTO "tasks" VALUES(9,'cmd:5631e3f9149f4ec8b342ae4c440f2183','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}',NULL,1.7962224403093669414e+09,1.7962224403093669414e+09,0,1.79622244031410431865e+09,NULL);
INSERT INTO "tasks" VALUES(10,'request:5631e3f9149f4ec8b342ae4c440f2183','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}',NULL,1.79622244031125545505e+09,1.79622244031125545505e+09,0,1.7962224403461883068e+09,NULL);
INSERT INTO "tasks" VALUES(11,'5631e3f9149f4ec8b342ae4c440f2183:post','slack.approval_post','slack','5631e3f9149f4ec8b342ae4c440f2183','{"request_id": "5631e3f9149f4ec8b342ae4c440f2183", "statuses": [{"job_id": "av00000000000000000000000000000068", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-068", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000068"}]}',NULL,1.79622244034288978571e+09,1.79622244034288978571e+09,1,1.79622244039789557461e+09,NULL);
INSERT INTO "tasks" VALUES(12,'request:5631e3f9149f4ec8b342ae4c440f2183:tell','slack.tell','slack','5631e3f9149f4ec8b342ae4c440f2183','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av00000000000000000000000000000068`. You will hear back here when they decide (request `5631e3f9`)."}',NULL,1.79622244034288978571e+09,1.79622244034288978571e+09,0,1.79622244048118162151e+09,NULL);
INSERT INTO "tasks" VALUES(13,'5631e3f9149f4ec8b342ae4c440f2183:reminder','slack.reminder','slack',NULL,'{"request_id": "5631e3f9149f4ec8b342ae4c440f2183"}',NULL,1.79622244034288978571e+09,1.79652484033862781527e+09,0,NULL,NULL);
INSERT INTO "tasks" VALUES(14,'click:9d55e250716a4a7396aa4726b89b6314','deny_click','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:46667/response/click", "message": ["C0APPROVALS", "1796222440.000007"]}, "request_id": "5631e3f9149f4ec8b342ae4c440f2183", "note": ""}',NULL,1.79622244042912697793e+09,1.79622244042912697793e+09,0,1.79622244043318533899e+09,NULL);
INSERT INTO "tasks" VALUES(15,'form:2e24ed921cf04e8b95b220de77f48c9b','deny','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": null, "message": ["C0APPROVALS", "1796222440.000007"]}, "request_id": "5631e3f9149f4ec8b342ae4c440f2183", "note": "not spam"}',NULL,1.79622244044463396069e+09,1.79622244044463396069e+09,0,1.79622244046032357219e+09,NULL);
INSERT INTO "tasks" VALUES(16,'5631e3f9149f4ec8b342ae4c440f2183:update:denied','slack.approval_update','slack','5631e3f9149f4ec8b342ae4c440f2183','{"request_id": "5631e3f9149f4ec8b342ae4c440f2183"}',NULL,1.79622244045143365865e+09,1.79622244045143365865e+09,0,1.7962224406298224926e+09,NULL);
INSERT INTO "tasks" VALUES(17,'5631e3f9149f4ec8b342ae4c440f2183:dm:denied','slack.requester_dm','slack','5631e3f9149f4ec8b342ae4c440f2183','{"request_id": "5631e3f9149f4ec8b342ae4c440f2183", "user_id": "U0MOD1"}',NULL,1.79622244045143365865e+09,1.79622244045143365865e+09,0,1.79622244069954848291e+09,NULL);
INSERT INTO "tasks" VALUES(18,'cmd:4f921a8681de4cc6bbc9b9f711ed5830','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}',NULL,1.79622244050201487538e+09,1.79622244050201487538e+09,0,1.79622244051134419438e+09,NULL);
INSERT INTO "tasks" VALUES(19,'request:4f921a8681de4cc6bbc9b9f711ed5830','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}',NULL,1.79622244050784969334e+09,1.79622244050784969334e+09,0,1.79622244056988978385e+09,NULL);
INSERT INTO "tasks" VALUES(20,'4f921a8681de4cc6bbc9b9f711ed5830:post','slack.approval_post','slack','4f921a8681de4cc6bbc9b9f711ed5830','{"request_id": "4f921a8681de4cc6bbc9b9f711ed5830", "statuses": [{"job_id": "av0000000000000000000000000000006a", "ok": false, "code": "InvalidArgument", "message": "job does not exist", "request_id": "err-req-InvalidArgument", "hint": "The job is unknown or already finished. Check the job ID; nothing is left to cancel if it ended."}]}',NULL,1.7962224405666396618e+09,1.7962224405666396618e+09,1,1.79622244061143898968e+09,NULL);
INSERT INTO "tasks" VALUES(21,'request:4f921a8681de4cc6bbc9b9f711ed5830:tell','slack.tell','slack','4f921a8681de4cc6bbc9b9f711ed5830','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:46667/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av0000000000000000000000000000006a`. You will hear back here when they decide (request `4f921a86`)."}',NULL,1.7962224405666396618e+09,1.7962224405666396618e+09,0,1.79622244070124053956e+09,NULL);
INSERT INTO "tasks" VALUES(22,'4f921a8681de4cc6bbc9b9f711ed5830:reminder','slack.reminder','slack',NULL,'{"request_id": "4f921a8681de4cc6bbc9b9f711ed5830"}',NULL,1.7962224405666396618e+09,1.79652484056457448008e+09,0,NULL,NULL);
INSERT INTO "tasks" VALUES(23,'click:871fd2f4d2f0488d9386f953a16a36fe','approve','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:46667/response/click", "message": ["C0APPROVALS", "1796222440.000010"]}, "request_id": "4f921a8681de4cc6bbc9b9f711ed5830", "note": ""}',NULL,1.79622244063354039199e+09,1.79622244063354039199e+09,0,1.79622244065279459959e+09,NULL);
INSERT INTO "tasks" VALUES(24,'4f921a8681de4cc6bbc9b9f711ed5830:update:approved','slack.approval_update','slack','4f921a8681de4cc6bbc9b9f711ed5830','{"request_id": "4f921a8681de4cc6bbc9b9f711ed5830"}',NULL,1.79622244064631581307e+09,1.79622244064631581307e+09,0,1796222440.80597,NULL);
INSERT INTO "tasks" VALUES(25,'exec:4f921a8681de4cc6bbc9b9f711ed5830','execute','urgent',NULL,'{"request_id": "4f921a8681de4cc6bbc9b9f711ed5830"}','3eea67b4eb2541f88862567adf5fa644',1.79622244064631581307e+09,1.79622244064631581307e+09,0,NULL,NULL);
CREATE TABLE workers (
	id VARCHAR(32) NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	host VARCHAR(255) NOT NULL, 
	pid INTEGER NOT NULL, 
	boot VARCHAR(32) NOT NULL, 
	started_at FLOAT NOT NULL, 
	heartbeat_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "workers" VALUES('3eea67b4eb2541f88862567adf5fa644','vm:12470','vm',12470,'b494bae45ff64455afae:12470',1.79622243992078161234e+09,1.79622244100943255417e+09);
CREATE INDEX ix_requests_state_expiry ON requests (state, expires_at);
CREATE INDEX ix_requests_requester_state ON requests (requester, state);
CREATE INDEX ix_tasks_open ON tasks (done_at, next_at);
CREATE INDEX ix_tasks_stream ON tasks (stream, done_at);
CREATE INDEX ix_audit_unposted ON audit_log (posted_at);
CREATE INDEX ix_ci_rate_slots_slot_at ON ci_rate_slots (slot_at);
COMMIT;
