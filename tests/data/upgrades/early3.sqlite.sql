BEGIN TRANSACTION;
CREATE TABLE audit_chain_head (
	id INTEGER NOT NULL, 
	last_id INTEGER NOT NULL, 
	last_hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "audit_chain_head" VALUES(1,8,'ac930f515d6b4b14c311bb4a908cff4d7a0f8875933cb1ff6db50669f9d8ee97');
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
INSERT INTO "audit_log" VALUES(1,1.79622164902897429473e+09,'started','U0ONCALL1','bb8f4ad19a764685ac7b353c8a2af0d9','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "job_ids": ["av00000000000000000000000000000065"]}',1.79622164907493734363e+09,1,1.79622164905257320401e+09,'0000000000000000000000000000000000000000000000000000000000000000','96ca6a4b932052d701f6bb705f354a8630bf15c96fc68f5f39897d69c021a888');
INSERT INTO "audit_log" VALUES(2,1.79622164905877780916e+09,'cancelled','U0ONCALL1','bb8f4ad19a764685ac7b353c8a2af0d9','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "jobs": 1, "cancelled": 1, "failed_jobs": [], "unknown_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]}',1.79622164908966183661e+09,1,1.79622164908306288714e+09,'96ca6a4b932052d701f6bb705f354a8630bf15c96fc68f5f39897d69c021a888','a08e0c2db9dbfd383faf47ce557d1e75ba1a4b421d3a485e38c1267db85f4df8');
INSERT INTO "audit_log" VALUES(3,1.79622164917638730999e+09,'requested','U0MOD1','03b09061ba834e608a92d3ea5895afdc','{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}',1.79622164918875122066e+09,1,1.79622164918339490891e+09,'a08e0c2db9dbfd383faf47ce557d1e75ba1a4b421d3a485e38c1267db85f4df8','8b2db27706865ed959eb70d745e2a488bb45c7d1394b465441856f10af616d69');
INSERT INTO "audit_log" VALUES(4,1.79622164925620269779e+09,'requested','U0MOD1','8db194d9c4df4208884212fc94da4104','{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}',1.79622164928046393391e+09,1,1.79622164926979517932e+09,'8b2db27706865ed959eb70d745e2a488bb45c7d1394b465441856f10af616d69','2a01a7cc42e62d15dc24716fb08c60c5798a71a26aee202fb7cd51e29b7f7e6e');
INSERT INTO "audit_log" VALUES(5,1.79622164934982085225e+09,'denied','U0ONCALL1','8db194d9c4df4208884212fc94da4104','{"note": "not spam", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam", "requester": "U0MOD1", "channel": "C0WORK"}',1.79622164936406636241e+09,1,1.79622164935982418058e+09,'2a01a7cc42e62d15dc24716fb08c60c5798a71a26aee202fb7cd51e29b7f7e6e','12eaafafbaace1f03eafac1893e305615a8b02a02b42badcc29132ed4ca3e177');
INSERT INTO "audit_log" VALUES(6,1.79622164943774795535e+09,'requested','U0MOD1','597e71386622438dad3706893a9ba3ae','{"reason": "stop this one too", "job_ids": ["av0000000000000000000000000000006a"], "channel": "C0WORK"}',1.7962216494634010792e+09,1,1.79622164945251464843e+09,'12eaafafbaace1f03eafac1893e305615a8b02a02b42badcc29132ed4ca3e177','01cf486af10183c762bf9c674e59c1dc4fa33ed267d906d1948b6a8d3203f817');
INSERT INTO "audit_log" VALUES(7,1.79622164948864412306e+09,'approved','U0ONCALL1','597e71386622438dad3706893a9ba3ae','{"note": "", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too", "requester": "U0MOD1", "channel": "C0WORK"}',1.79622164951346015935e+09,1,1.79622164950343751908e+09,'01cf486af10183c762bf9c674e59c1dc4fa33ed267d906d1948b6a8d3203f817','c7915b48fdc10b5968f4d9ec73abcb49a60756747958aa083c3bea8d40512018');
INSERT INTO "audit_log" VALUES(8,1.7962216495341496468e+09,'started','U0ONCALL1','597e71386622438dad3706893a9ba3ae','{"reason": "stop this one too", "kind": "approval", "requester": "U0MOD1", "channel": "C0WORK", "job_ids": ["av0000000000000000000000000000006a"]}',1.79622164963422822955e+09,1,1.796221649616904974e+09,'c7915b48fdc10b5968f4d9ec73abcb49a60756747958aa083c3bea8d40512018','ac930f515d6b4b14c311bb4a908cff4d7a0f8875933cb1ff6db50669f9d8ee97');
CREATE TABLE ci_rate_slots (
	id INTEGER NOT NULL, 
	slot_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "ci_rate_slots" VALUES(1,1.79622164903997802738e+09);
INSERT INTO "ci_rate_slots" VALUES(2,1.79622164911709260946e+09);
INSERT INTO "ci_rate_slots" VALUES(3,1.79622164912461328503e+09);
INSERT INTO "ci_rate_slots" VALUES(4,1.79622164921037983896e+09);
INSERT INTO "ci_rate_slots" VALUES(5,1.79622164942985463147e+09);
INSERT INTO "ci_rate_slots" VALUES(6,1.79622164954151773445e+09);
CREATE TABLE job_results (
	request_id VARCHAR(32) NOT NULL, 
	job_id VARCHAR(64) NOT NULL, 
	position INTEGER NOT NULL, 
	sends INTEGER DEFAULT '0' NOT NULL, 
	outcome TEXT, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (request_id, job_id)
);
INSERT INTO "job_results" VALUES('bb8f4ad19a764685ac7b353c8a2af0d9','av00000000000000000000000000000065',0,1,'{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}',1.79622164905671238897e+09);
INSERT INTO "job_results" VALUES('03b09061ba834e608a92d3ea5895afdc','av00000000000000000000000000000066',0,0,NULL,1.79622164917840433122e+09);
INSERT INTO "job_results" VALUES('03b09061ba834e608a92d3ea5895afdc','av00000000000000000000000000000067',1,0,NULL,1.79622164917856407167e+09);
INSERT INTO "job_results" VALUES('8db194d9c4df4208884212fc94da4104','av00000000000000000000000000000068',0,0,NULL,1.79622164925789546971e+09);
INSERT INTO "job_results" VALUES('597e71386622438dad3706893a9ba3ae','av0000000000000000000000000000006a',0,1,NULL,1.79622164954064798356e+09);
CREATE TABLE leases (
	name VARCHAR(32) NOT NULL, 
	holder VARCHAR(32), 
	PRIMARY KEY (name)
);
INSERT INTO "leases" VALUES('audit-poster','f9cdbafb6e834de28aa53af5510769e9');
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
INSERT INTO "requests" VALUES('bb8f4ad19a764685ac7b353c8a2af0d9','direct','done','U0ONCALL1','C0WORK','stream already reported','["av00000000000000000000000000000065"]',1.79622164899817895892e+09,1.79622164899817895892e+09,'U0ONCALL1',1.79622164899817895892e+09,NULL,NULL,NULL,'[{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]',NULL,1.79622164902897429473e+09);
INSERT INTO "requests" VALUES('03b09061ba834e608a92d3ea5895afdc','approval','pending','U0MOD1','C0WORK','please stop these streams','["av00000000000000000000000000000066", "av00000000000000000000000000000067"]',1.79622164917638730999e+09,4102444800.0,NULL,NULL,NULL,'C0APPROVALS','1796221649.000005',NULL,NULL,NULL);
INSERT INTO "requests" VALUES('8db194d9c4df4208884212fc94da4104','approval','denied','U0MOD1','C0WORK','looks like spam','["av00000000000000000000000000000068"]',1.79622164925620269779e+09,1.79682644925620269775e+09,'U0ONCALL1',1.79622164934982085225e+09,'not spam','C0APPROVALS','1796221649.000007',NULL,NULL,NULL);
INSERT INTO "requests" VALUES('597e71386622438dad3706893a9ba3ae','approval','approved','U0MOD1','C0WORK','stop this one too','["av0000000000000000000000000000006a"]',1.79622164943774795535e+09,1.79682644943774795531e+09,'U0ONCALL1',1.79622164948864412306e+09,NULL,'C0APPROVALS','1796221649.000009',NULL,NULL,1.7962216495341496468e+09);
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
INSERT INTO "tasks" VALUES(1,'cmd:bb8f4ad19a764685ac7b353c8a2af0d9','command','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000065"], "reason": "stream already reported"}}',NULL,1.79622164898946356775e+09,1.79622164898946356775e+09,0,1.79622164900632786755e+09,NULL);
INSERT INTO "tasks" VALUES(2,'exec:bb8f4ad19a764685ac7b353c8a2af0d9','execute','urgent',NULL,'{"request_id": "bb8f4ad19a764685ac7b353c8a2af0d9", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}}',NULL,1.79622164900403547289e+09,1.79622164900403547289e+09,0,1.7962216490737652778e+09,NULL);
INSERT INTO "tasks" VALUES(3,'bb8f4ad19a764685ac7b353c8a2af0d9:result','slack.result','slack','bb8f4ad19a764685ac7b353c8a2af0d9','{"request_id": "bb8f4ad19a764685ac7b353c8a2af0d9", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}}',NULL,1.79622164906166458127e+09,1.79622164906166458127e+09,0,1.79622164911197972295e+09,NULL);
INSERT INTO "tasks" VALUES(4,'cmd:03b09061ba834e608a92d3ea5895afdc','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}',NULL,1.7962216490814034939e+09,1.7962216490814034939e+09,0,1.79622164908619832987e+09,NULL);
INSERT INTO "tasks" VALUES(5,'request:03b09061ba834e608a92d3ea5895afdc','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}',NULL,1.79622164908480358123e+09,1.79622164908480358123e+09,0,1.79622164918152260777e+09,NULL);
INSERT INTO "tasks" VALUES(6,'03b09061ba834e608a92d3ea5895afdc:post','slack.approval_post','slack','03b09061ba834e608a92d3ea5895afdc','{"request_id": "03b09061ba834e608a92d3ea5895afdc", "statuses": [{"job_id": "av00000000000000000000000000000066", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-066", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000066"}, {"job_id": "av00000000000000000000000000000067", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-067", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000067"}]}',NULL,1.79622164917939662934e+09,1.79622164917939662934e+09,0,1.79622164919825077055e+09,NULL);
INSERT INTO "tasks" VALUES(7,'request:03b09061ba834e608a92d3ea5895afdc:tell','slack.tell','slack','03b09061ba834e608a92d3ea5895afdc','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}, "text": "Asked on-call to cancel 2 job(s): `av00000000000000000000000000000066`, `av00000000000000000000000000000067`. You will hear back here when they decide (request `03b09061`)."}',NULL,1.79622164917939662934e+09,1.79622164917939662934e+09,0,1.79622164922459053989e+09,NULL);
INSERT INTO "tasks" VALUES(8,'cmd:8db194d9c4df4208884212fc94da4104','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}',NULL,1.79622164919896698002e+09,1.79622164919896698002e+09,0,1.79622164920406985288e+09,NULL);
INSERT INTO "tasks" VALUES(9,'request:8db194d9c4df4208884212fc94da4104','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}',NULL,1.79622164920182895661e+09,1.79622164920182895661e+09,0,1.79622164926421594615e+09,NULL);
INSERT INTO "tasks" VALUES(10,'8db194d9c4df4208884212fc94da4104:post','slack.approval_post','slack','8db194d9c4df4208884212fc94da4104','{"request_id": "8db194d9c4df4208884212fc94da4104", "statuses": [{"job_id": "av00000000000000000000000000000068", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-068", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000068"}]}',NULL,1.79622164925872898101e+09,1.79622164925872898101e+09,0,1.79622164929750680918e+09,NULL);
INSERT INTO "tasks" VALUES(11,'request:8db194d9c4df4208884212fc94da4104:tell','slack.tell','slack','8db194d9c4df4208884212fc94da4104','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av00000000000000000000000000000068`. You will hear back here when they decide (request `8db194d9`)."}',NULL,1.79622164925872898101e+09,1.79622164925872898101e+09,0,1.79622164937190484995e+09,NULL);
INSERT INTO "tasks" VALUES(12,'click:21db3c1ad6ea4c6b9366b80b1d5a739a','deny_click','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:35551/response/click", "message": ["C0APPROVALS", "1796221649.000007"]}, "request_id": "8db194d9c4df4208884212fc94da4104", "note": ""}',NULL,1.79622164931470894811e+09,1.79622164931470894811e+09,0,1.79622164932211923595e+09,NULL);
INSERT INTO "tasks" VALUES(13,'form:19e06d2dc6d348faa749d31bbb77c207','deny','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": null, "message": ["C0APPROVALS", "1796221649.000007"]}, "request_id": "8db194d9c4df4208884212fc94da4104", "note": "not spam"}',NULL,1.79622164934787678725e+09,1.79622164934787678725e+09,0,1.79622164935629320152e+09,NULL);
INSERT INTO "tasks" VALUES(14,'8db194d9c4df4208884212fc94da4104:update:denied','slack.approval_update','slack','8db194d9c4df4208884212fc94da4104','{"request_id": "8db194d9c4df4208884212fc94da4104"}',NULL,1.79622164935135531426e+09,1.79622164935135531426e+09,0,1.79622164944836139677e+09,NULL);
INSERT INTO "tasks" VALUES(15,'8db194d9c4df4208884212fc94da4104:dm:denied','slack.requester_dm','slack','8db194d9c4df4208884212fc94da4104','{"request_id": "8db194d9c4df4208884212fc94da4104", "user_id": "U0MOD1"}',NULL,1.79622164935135531426e+09,1.79622164935135531426e+09,0,1.7962216495232803822e+09,NULL);
INSERT INTO "tasks" VALUES(16,'cmd:597e71386622438dad3706893a9ba3ae','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}',NULL,1.79622164941815805434e+09,1.79622164941815805434e+09,0,1.79622164942298650743e+09,NULL);
INSERT INTO "tasks" VALUES(17,'request:597e71386622438dad3706893a9ba3ae','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av0000000000000000000000000000006a"], "reason": "stop this one too"}}',NULL,1.79622164941983652117e+09,1.79622164941983652117e+09,0,1.79622164944741392143e+09,NULL);
INSERT INTO "tasks" VALUES(18,'597e71386622438dad3706893a9ba3ae:post','slack.approval_post','slack','597e71386622438dad3706893a9ba3ae','{"request_id": "597e71386622438dad3706893a9ba3ae", "statuses": [{"job_id": "av0000000000000000000000000000006a", "ok": false, "code": "InvalidArgument", "message": "job does not exist", "request_id": "err-req-InvalidArgument", "hint": "The job is unknown or already finished. Check the job ID; nothing is left to cancel if it ended."}]}',NULL,1.79622164944287204734e+09,1.79622164944287204734e+09,0,1.79622164945815563199e+09,NULL);
INSERT INTO "tasks" VALUES(19,'request:597e71386622438dad3706893a9ba3ae:tell','slack.tell','slack','597e71386622438dad3706893a9ba3ae','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:35551/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av0000000000000000000000000000006a`. You will hear back here when they decide (request `597e7138`)."}',NULL,1.79622164944287204734e+09,1.79622164944287204734e+09,0,1.79622164952227020263e+09,NULL);
INSERT INTO "tasks" VALUES(20,'click:ebf58c877fed4ef183dbe88f21125718','approve','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:35551/response/click", "message": ["C0APPROVALS", "1796221649.000009"]}, "request_id": "597e71386622438dad3706893a9ba3ae", "note": ""}',NULL,1.79622164948275017735e+09,1.79622164948275017735e+09,0,1.79622164949613070481e+09,NULL);
INSERT INTO "tasks" VALUES(21,'597e71386622438dad3706893a9ba3ae:update:approved','slack.approval_update','slack','597e71386622438dad3706893a9ba3ae','{"request_id": "597e71386622438dad3706893a9ba3ae"}',NULL,1.79622164948988747592e+09,1.79622164948988747592e+09,0,1.79622164963326263423e+09,NULL);
INSERT INTO "tasks" VALUES(22,'exec:597e71386622438dad3706893a9ba3ae','execute','urgent',NULL,'{"request_id": "597e71386622438dad3706893a9ba3ae"}','f9cdbafb6e834de28aa53af5510769e9',1.79622164948988747592e+09,1.79622164948988747592e+09,0,NULL,NULL);
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
INSERT INTO "workers" VALUES('f9cdbafb6e834de28aa53af5510769e9','vm:24976','vm',24976,'77da0e5d00fb42dab7b90e3e4e16702e',1.79622164895018172261e+09,1.79622164949698042866e+09);
CREATE INDEX ix_requests_state_expiry ON requests (state, expires_at);
CREATE INDEX ix_requests_requester_state ON requests (requester, state);
CREATE INDEX ix_tasks_open ON tasks (done_at, next_at);
CREATE INDEX ix_tasks_stream ON tasks (stream, done_at);
CREATE INDEX ix_audit_unposted ON audit_log (posted_at);
CREATE INDEX ix_ci_rate_slots_slot_at ON ci_rate_slots (slot_at);
COMMIT;
