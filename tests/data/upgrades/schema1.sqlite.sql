BEGIN TRANSACTION;
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
	PRIMARY KEY (id)
);
INSERT INTO "audit_log" VALUES(1,1.7962216408338527679e+09,'started','U0ONCALL1','20bbdce97099416389ba50d8e2889335','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "job_ids": ["av00000000000000000000000000000065"]}',1.79622164091547298434e+09,1,1.79622164087566924092e+09);
INSERT INTO "audit_log" VALUES(2,1.79622164085088658336e+09,'cancelled','U0ONCALL1','20bbdce97099416389ba50d8e2889335','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "jobs": 1, "cancelled": 1, "failed_jobs": [], "unknown_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]}',1.79622164093141531947e+09,1,1.79622164092205095289e+09);
INSERT INTO "audit_log" VALUES(3,1.79622164095239639277e+09,'requested','U0MOD1','e55f0a0f79ec48e8ad4ed590ab170476','{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}',1.79622164098027014729e+09,1,1.79622164096839952466e+09);
INSERT INTO "audit_log" VALUES(4,1.79622164102326679229e+09,'requested','U0MOD1','7b6da26344b840ca9c7584fcfca2a5d7','{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}',1.7962216410746176243e+09,1,1.79622164106890344617e+09);
INSERT INTO "audit_log" VALUES(5,1.7962216411350438595e+09,'denied','U0ONCALL1','7b6da26344b840ca9c7584fcfca2a5d7','{"note": "not spam", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam", "requester": "U0MOD1", "channel": "C0WORK"}',1.79622164116572427747e+09,1,1.79622164115651845924e+09);
INSERT INTO "audit_log" VALUES(6,1.79622164127554583556e+09,'requested','U0MOD1','8c9a620d22da46d59e9f59dc624e7580','{"reason": "stop this one too", "job_ids": ["av0000000000000000000000000000006a"], "channel": "C0WORK"}',1.79622164133811402318e+09,1,1.7962216413064115047e+09);
INSERT INTO "audit_log" VALUES(7,1.79622164138577461237e+09,'approved','U0ONCALL1','8c9a620d22da46d59e9f59dc624e7580','{"note": "", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too", "requester": "U0MOD1", "channel": "C0WORK"}',1.79622164141934275629e+09,1,1.79622164141297578814e+09);
INSERT INTO "audit_log" VALUES(8,1.79622164143264365196e+09,'started','U0ONCALL1','8c9a620d22da46d59e9f59dc624e7580','{"reason": "stop this one too", "kind": "approval", "requester": "U0MOD1", "channel": "C0WORK", "job_ids": ["av0000000000000000000000000000006a"]}',1.79622164153729796409e+09,1,1.79622164152447247502e+09);
CREATE TABLE ci_rate_slots (
	id INTEGER NOT NULL, 
	slot_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "ci_rate_slots" VALUES(1,1.79622164083977580066e+09);
INSERT INTO "ci_rate_slots" VALUES(2,1.79622164089349579813e+09);
INSERT INTO "ci_rate_slots" VALUES(3,1.79622164089908599848e+09);
INSERT INTO "ci_rate_slots" VALUES(4,1.79622164101371908188e+09);
INSERT INTO "ci_rate_slots" VALUES(5,1.79622164126447200769e+09);
INSERT INTO "ci_rate_slots" VALUES(6,1.79622164146811509133e+09);
CREATE TABLE job_results (
	request_id VARCHAR(32) NOT NULL, 
	job_id VARCHAR(64) NOT NULL, 
	position INTEGER NOT NULL, 
	sends INTEGER DEFAULT '0' NOT NULL, 
	outcome TEXT, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (request_id, job_id)
);
INSERT INTO "job_results" VALUES('20bbdce97099416389ba50d8e2889335','av00000000000000000000000000000065',0,1,'{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}',1.79622164084850287433e+09);
INSERT INTO "job_results" VALUES('e55f0a0f79ec48e8ad4ed590ab170476','av00000000000000000000000000000066',0,0,NULL,1.79622164095417857169e+09);
INSERT INTO "job_results" VALUES('e55f0a0f79ec48e8ad4ed590ab170476','av00000000000000000000000000000067',1,0,NULL,1.7962216409543254375e+09);
INSERT INTO "job_results" VALUES('7b6da26344b840ca9c7584fcfca2a5d7','av00000000000000000000000000000068',0,0,NULL,1.79622164102937078473e+09);
INSERT INTO "job_results" VALUES('8c9a620d22da46d59e9f59dc624e7580','av0000000000000000000000000000006a',0,1,NULL,1.79622164146620225903e+09);
CREATE TABLE leases (
	name VARCHAR(32) NOT NULL, 
	holder VARCHAR(32), 
	PRIMARY KEY (name)
);
INSERT INTO "leases" VALUES('audit-poster','98472652fd3248f18fbb8e0802473ee7');
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
	PRIMARY KEY (id)
);
INSERT INTO "requests" VALUES('20bbdce97099416389ba50d8e2889335','direct','done','U0ONCALL1','C0WORK','stream already reported','["av00000000000000000000000000000065"]',1.79622164080830788615e+09,1.79622164080830788615e+09,'U0ONCALL1',1.79622164080830788615e+09,NULL,NULL,NULL,'[{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]',NULL,1.7962216408338527679e+09);
INSERT INTO "requests" VALUES('e55f0a0f79ec48e8ad4ed590ab170476','approval','pending','U0MOD1','C0WORK','please stop these streams','["av00000000000000000000000000000066", "av00000000000000000000000000000067"]',1.79622164095239639277e+09,4102444800.0,NULL,NULL,NULL,'C0APPROVALS','1796221640.000005',NULL,NULL,NULL);
INSERT INTO "requests" VALUES('7b6da26344b840ca9c7584fcfca2a5d7','approval','denied','U0MOD1','C0WORK','looks like spam','["av00000000000000000000000000000068"]',1.79622164102326679229e+09,1.79682644102326679225e+09,'U0ONCALL1',1.7962216411350438595e+09,'not spam','C0APPROVALS','1796221641.000006',NULL,NULL,NULL);
INSERT INTO "requests" VALUES('8c9a620d22da46d59e9f59dc624e7580','approval','approved','U0MOD1','C0WORK','stop this one too','["av0000000000000000000000000000006a"]',1.79622164127554583556e+09,1.79682644127554583552e+09,'U0ONCALL1',1.79622164138577461237e+09,NULL,'C0APPROVALS','1796221641.000011',NULL,NULL,1.79622164143264365196e+09);
CREATE TABLE schema_version (
	version INTEGER NOT NULL
);
INSERT INTO "schema_version" VALUES(1);
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
INSERT INTO "tasks" VALUES(1,'cmd:20bbdce97099416389ba50d8e2889335','command','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000065"], "reason": "stream already reported"}}',NULL,1.79622164080421352384e+09,1.79622164080421352384e+09,0,1.79622164081364798548e+09,NULL);
INSERT INTO "tasks" VALUES(2,'exec:20bbdce97099416389ba50d8e2889335','execute','urgent',NULL,'{"request_id": "20bbdce97099416389ba50d8e2889335", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}}',NULL,1.79622164081058740617e+09,1.79622164081058740617e+09,0,1.79622164085863351827e+09,NULL);
INSERT INTO "tasks" VALUES(3,'20bbdce97099416389ba50d8e2889335:result','slack.result','slack','20bbdce97099416389ba50d8e2889335','{"request_id": "20bbdce97099416389ba50d8e2889335", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}}',NULL,1.79622164085279154783e+09,1.79622164085279154783e+09,0,1796221640.86943,NULL);
INSERT INTO "tasks" VALUES(4,'cmd:e55f0a0f79ec48e8ad4ed590ab170476','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}',NULL,1.7962216408713576794e+09,1.7962216408713576794e+09,0,1.79622164088497853276e+09,NULL);
INSERT INTO "tasks" VALUES(5,'request:e55f0a0f79ec48e8ad4ed590ab170476','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}',NULL,1.7962216408781580925e+09,1.7962216408781580925e+09,0,1.79622164096237111087e+09,NULL);
INSERT INTO "tasks" VALUES(6,'e55f0a0f79ec48e8ad4ed590ab170476:post','slack.approval_post','slack','e55f0a0f79ec48e8ad4ed590ab170476','{"request_id": "e55f0a0f79ec48e8ad4ed590ab170476", "statuses": [{"job_id": "av00000000000000000000000000000066", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-066", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000066"}, {"job_id": "av00000000000000000000000000000067", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-067", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000067"}]}',NULL,1.79622164095457339293e+09,1.79622164095457339293e+09,0,1.79622164099113893506e+09,NULL);
INSERT INTO "tasks" VALUES(7,'request:e55f0a0f79ec48e8ad4ed590ab170476:tell','slack.tell','slack','e55f0a0f79ec48e8ad4ed590ab170476','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}, "text": "Asked on-call to cancel 2 job(s): `av00000000000000000000000000000066`, `av00000000000000000000000000000067`. You will hear back here when they decide (request `e55f0a0f`)."}',NULL,1.79622164095457339293e+09,1.79622164095457339293e+09,0,1.79622164103259229664e+09,NULL);
INSERT INTO "tasks" VALUES(8,'cmd:7b6da26344b840ca9c7584fcfca2a5d7','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}',NULL,1.79622164098893117908e+09,1.79622164098893117908e+09,0,1.79622164100071763995e+09,NULL);
INSERT INTO "tasks" VALUES(9,'request:7b6da26344b840ca9c7584fcfca2a5d7','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}',NULL,1.7962216409960989952e+09,1.7962216409960989952e+09,0,1.79622164104485487938e+09,NULL);
INSERT INTO "tasks" VALUES(10,'7b6da26344b840ca9c7584fcfca2a5d7:post','slack.approval_post','slack','7b6da26344b840ca9c7584fcfca2a5d7','{"request_id": "7b6da26344b840ca9c7584fcfca2a5d7", "statuses": [{"job_id": "av00000000000000000000000000000068", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-068", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000068"}]}',NULL,1.79622164102975058553e+09,1.79622164102975058553e+09,0,1.79622164106268954273e+09,NULL);
INSERT INTO "tasks" VALUES(11,'request:7b6da26344b840ca9c7584fcfca2a5d7:tell','slack.tell','slack','7b6da26344b840ca9c7584fcfca2a5d7','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av00000000000000000000000000000068`. You will hear back here when they decide (request `7b6da263`)."}',NULL,1.79622164102975058553e+09,1.79622164102975058553e+09,0,1.79622164115130448342e+09,NULL);
INSERT INTO "tasks" VALUES(12,'click:dfc73f3f51ce49c094f4cc15ba15e165','deny_click','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:34331/response/click", "message": ["C0APPROVALS", "1796221641.000006"]}, "request_id": "7b6da26344b840ca9c7584fcfca2a5d7", "note": ""}',NULL,1.79622164111321282382e+09,1.79622164111321282382e+09,0,1.79622164112065744404e+09,NULL);
INSERT INTO "tasks" VALUES(13,'form:24b0e25a24d24079819216f28997e269','deny','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": null, "message": ["C0APPROVALS", "1796221641.000006"]}, "request_id": "7b6da26344b840ca9c7584fcfca2a5d7", "note": "not spam"}',NULL,1.7962216411328670979e+09,1.7962216411328670979e+09,0,1.79622164113927125931e+09,NULL);
INSERT INTO "tasks" VALUES(14,'7b6da26344b840ca9c7584fcfca2a5d7:update:denied','slack.approval_update','slack','7b6da26344b840ca9c7584fcfca2a5d7','{"request_id": "7b6da26344b840ca9c7584fcfca2a5d7"}',NULL,1.79622164113626670836e+09,1.79622164113626670836e+09,0,1.79622164128992986686e+09,NULL);
INSERT INTO "tasks" VALUES(15,'7b6da26344b840ca9c7584fcfca2a5d7:dm:denied','slack.requester_dm','slack','7b6da26344b840ca9c7584fcfca2a5d7','{"request_id": "7b6da26344b840ca9c7584fcfca2a5d7", "user_id": "U0MOD1"}',NULL,1.79622164113626670836e+09,1.79622164113626670836e+09,0,1.79622164133996438982e+09,NULL);
INSERT INTO "tasks" VALUES(16,'cmd:8c9a620d22da46d59e9f59dc624e7580','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}',NULL,1.79622164121375465389e+09,1.79622164121375465389e+09,0,1.79622164121931672097e+09,NULL);
INSERT INTO "tasks" VALUES(17,'request:8c9a620d22da46d59e9f59dc624e7580','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}',NULL,1.79622164121623325346e+09,1.79622164121623325346e+09,0,1.79622164129553389547e+09,NULL);
INSERT INTO "tasks" VALUES(18,'8c9a620d22da46d59e9f59dc624e7580:post','slack.approval_post','slack','8c9a620d22da46d59e9f59dc624e7580','{"request_id": "8c9a620d22da46d59e9f59dc624e7580", "statuses": [{"job_id": "av0000000000000000000000000000006a", "ok": false, "code": "InvalidArgument", "message": "job does not exist", "request_id": "err-req-InvalidArgument", "hint": "The job is unknown or already finished. Check the job ID; nothing is left to cancel if it ended."}]}',NULL,1.7962216412838726044e+09,1.7962216412838726044e+09,0,1.79622164134263014793e+09,NULL);
INSERT INTO "tasks" VALUES(19,'request:8c9a620d22da46d59e9f59dc624e7580:tell','slack.tell','slack','8c9a620d22da46d59e9f59dc624e7580','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:34331/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av0000000000000000000000000000006a`. You will hear back here when they decide (request `8c9a620d`)."}',NULL,1.7962216412838726044e+09,1.7962216412838726044e+09,0,1.79622164142136979099e+09,NULL);
INSERT INTO "tasks" VALUES(20,'click:1438e9f5ed2c4eeea2be8f1eb98a1223','approve','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:34331/response/click", "message": ["C0APPROVALS", "1796221641.000011"]}, "request_id": "8c9a620d22da46d59e9f59dc624e7580", "note": ""}',NULL,1.7962216413837325573e+09,1.7962216413837325573e+09,0,1.79622164138910984996e+09,NULL);
INSERT INTO "tasks" VALUES(21,'8c9a620d22da46d59e9f59dc624e7580:update:approved','slack.approval_update','slack','8c9a620d22da46d59e9f59dc624e7580','{"request_id": "8c9a620d22da46d59e9f59dc624e7580"}',NULL,1.79622164138633751868e+09,1.79622164138633751868e+09,0,1.79622164153600764272e+09,NULL);
INSERT INTO "tasks" VALUES(22,'exec:8c9a620d22da46d59e9f59dc624e7580','execute','urgent',NULL,'{"request_id": "8c9a620d22da46d59e9f59dc624e7580"}','98472652fd3248f18fbb8e0802473ee7',1.79622164138633751868e+09,1.79622164138633751868e+09,0,NULL,NULL);
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
INSERT INTO "workers" VALUES('98472652fd3248f18fbb8e0802473ee7','vm:24443','vm',24443,'e96dd1949449493b8ab4646c6effa8b5',1.79622164077265810962e+09,1.79622164184455943109e+09);
CREATE INDEX ix_requests_state_expiry ON requests (state, expires_at);
CREATE INDEX ix_requests_requester_state ON requests (requester, state);
CREATE INDEX ix_tasks_stream ON tasks (stream, done_at);
CREATE INDEX ix_tasks_open ON tasks (done_at, next_at);
CREATE INDEX ix_audit_unposted ON audit_log (posted_at);
CREATE INDEX ix_ci_rate_slots_slot_at ON ci_rate_slots (slot_at);
COMMIT;
