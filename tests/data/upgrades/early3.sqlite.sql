BEGIN TRANSACTION;
CREATE TABLE audit_chain_head (
	id INTEGER NOT NULL, 
	last_id INTEGER NOT NULL, 
	last_hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "audit_chain_head" VALUES(1,5,'8f1c9b4c038d8981a3903b135f5a0c146c718cc807cc0afc3e2fe6a319a85e82');
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
INSERT INTO "audit_log" VALUES(1,1.79622081926453661918e+09,'started','U0ONCALL1','641e3727cd644ad084f29ee4cc7d72ab','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "job_ids": ["av00000000000000000000000000000065"]}',1.79622081929048085218e+09,1,1.79622081928573441508e+09,'0000000000000000000000000000000000000000000000000000000000000000','a66f50445ab7f5626302b89a6801c5f24d4c519725700370d1803d6b8471df76');
INSERT INTO "audit_log" VALUES(2,1.79622081927988457676e+09,'cancelled','U0ONCALL1','641e3727cd644ad084f29ee4cc7d72ab','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "jobs": 1, "cancelled": 1, "failed_jobs": [], "unknown_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]}',1.7962208192960219383e+09,1,1.79622081929215550422e+09,'a66f50445ab7f5626302b89a6801c5f24d4c519725700370d1803d6b8471df76','5082b8d35de1a5df48b9ce96dca3ae491661fea534a8b5417249ccc6183df7f5');
INSERT INTO "audit_log" VALUES(3,1.79622081938142561909e+09,'requested','U0MOD1','9790d9351a1d4db48b66d4f89b9bc824','{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}',1.79622081940109705922e+09,1,1.79622081939176583289e+09,'5082b8d35de1a5df48b9ce96dca3ae491661fea534a8b5417249ccc6183df7f5','512d998e6b7d2de5c5098bf44b0b7900e275be09030652baff61bc52f80de3f2');
INSERT INTO "audit_log" VALUES(4,1.79622081943240237238e+09,'requested','U0MOD1','fd35ead5da234640882e5ad27ae5c81f','{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}',1.79622081945388913158e+09,1,1.79622081944312429434e+09,'512d998e6b7d2de5c5098bf44b0b7900e275be09030652baff61bc52f80de3f2','36ab79bceeb929549fa2a0212e9e7b548d9d287b0fd980bf8e456cfe1db46255');
INSERT INTO "audit_log" VALUES(5,1.79622081949369430536e+09,'denied','U0ONCALL1','fd35ead5da234640882e5ad27ae5c81f','{"note": "not spam", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam", "requester": "U0MOD1", "channel": "C0WORK"}',1.79622081950887537002e+09,1,1.79622081950066876413e+09,'36ab79bceeb929549fa2a0212e9e7b548d9d287b0fd980bf8e456cfe1db46255','8f1c9b4c038d8981a3903b135f5a0c146c718cc807cc0afc3e2fe6a319a85e82');
CREATE TABLE ci_rate_slots (
	id INTEGER NOT NULL, 
	slot_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "ci_rate_slots" VALUES(1,1.79622081927168512341e+09);
INSERT INTO "ci_rate_slots" VALUES(2,1.79622081933156085018e+09);
INSERT INTO "ci_rate_slots" VALUES(3,1.7962208193345012664e+09);
INSERT INTO "ci_rate_slots" VALUES(4,1.79622081942830204965e+09);
CREATE TABLE job_results (
	request_id VARCHAR(32) NOT NULL, 
	job_id VARCHAR(64) NOT NULL, 
	position INTEGER NOT NULL, 
	sends INTEGER DEFAULT '0' NOT NULL, 
	outcome TEXT, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (request_id, job_id)
);
INSERT INTO "job_results" VALUES('641e3727cd644ad084f29ee4cc7d72ab','av00000000000000000000000000000065',0,1,'{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}',1.79622081927746462823e+09);
INSERT INTO "job_results" VALUES('9790d9351a1d4db48b66d4f89b9bc824','av00000000000000000000000000000066',0,0,NULL,1.79622081938460779193e+09);
INSERT INTO "job_results" VALUES('9790d9351a1d4db48b66d4f89b9bc824','av00000000000000000000000000000067',1,0,NULL,1.79622081938521981243e+09);
INSERT INTO "job_results" VALUES('fd35ead5da234640882e5ad27ae5c81f','av00000000000000000000000000000068',0,0,NULL,1.79622081943695735932e+09);
CREATE TABLE leases (
	name VARCHAR(32) NOT NULL, 
	holder VARCHAR(32), 
	PRIMARY KEY (name)
);
INSERT INTO "leases" VALUES('audit-poster','a15a3c6f83144a53bd4d0fbc03157cdb');
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
INSERT INTO "requests" VALUES('641e3727cd644ad084f29ee4cc7d72ab','direct','done','U0ONCALL1','C0WORK','stream already reported','["av00000000000000000000000000000065"]',1.79622081924208450319e+09,1.79622081924208450319e+09,'U0ONCALL1',1.79622081924208450319e+09,NULL,NULL,NULL,'[{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]',NULL,1.79622081926453661918e+09);
INSERT INTO "requests" VALUES('9790d9351a1d4db48b66d4f89b9bc824','approval','pending','U0MOD1','C0WORK','please stop these streams','["av00000000000000000000000000000066", "av00000000000000000000000000000067"]',1.79622081938142561909e+09,4102444800.0,NULL,NULL,NULL,'C0APPROVALS','1796220819.000005',NULL,NULL,NULL);
INSERT INTO "requests" VALUES('fd35ead5da234640882e5ad27ae5c81f','approval','denied','U0MOD1','C0WORK','looks like spam','["av00000000000000000000000000000068"]',1.79622081943240237238e+09,1.79682561943240237233e+09,'U0ONCALL1',1.79622081949369430536e+09,'not spam','C0APPROVALS','1796220819.000007',NULL,NULL,NULL);
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
INSERT INTO "tasks" VALUES(1,'cmd:641e3727cd644ad084f29ee4cc7d72ab','command','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:40377/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000065"], "reason": "stream already reported"}}',NULL,1.79622081923946356769e+09,1.79622081923946356769e+09,0,1.79622081925245666508e+09,NULL);
INSERT INTO "tasks" VALUES(2,'exec:641e3727cd644ad084f29ee4cc7d72ab','execute','urgent',NULL,'{"request_id": "641e3727cd644ad084f29ee4cc7d72ab", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:40377/response/r", "message": null}}',NULL,1.7962208192499518394e+09,1.7962208192499518394e+09,0,1.79622081928278875349e+09,NULL);
INSERT INTO "tasks" VALUES(3,'641e3727cd644ad084f29ee4cc7d72ab:result','slack.result','slack','641e3727cd644ad084f29ee4cc7d72ab','{"request_id": "641e3727cd644ad084f29ee4cc7d72ab", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:40377/response/r", "message": null}}',NULL,1.79622081928148460386e+09,1.79622081928148460386e+09,0,1.79622081932579231262e+09,NULL);
INSERT INTO "tasks" VALUES(4,'cmd:9790d9351a1d4db48b66d4f89b9bc824','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:40377/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}',NULL,1.79622081930678057677e+09,1.79622081930678057677e+09,0,1796220819.3099,NULL);
INSERT INTO "tasks" VALUES(5,'request:9790d9351a1d4db48b66d4f89b9bc824','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:40377/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}',NULL,1.79622081930833506582e+09,1.79622081930833506582e+09,0,1.79622081938884186743e+09,NULL);
INSERT INTO "tasks" VALUES(6,'9790d9351a1d4db48b66d4f89b9bc824:post','slack.approval_post','slack','9790d9351a1d4db48b66d4f89b9bc824','{"request_id": "9790d9351a1d4db48b66d4f89b9bc824", "statuses": [{"job_id": "av00000000000000000000000000000066", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-066", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000066"}, {"job_id": "av00000000000000000000000000000067", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-067", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000067"}]}',NULL,1796220819.3862,1796220819.3862,0,1.79622081941085386279e+09,NULL);
INSERT INTO "tasks" VALUES(7,'request:9790d9351a1d4db48b66d4f89b9bc824:tell','slack.tell','slack','9790d9351a1d4db48b66d4f89b9bc824','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:40377/response/r", "message": null}, "text": "Asked on-call to cancel 2 job(s): `av00000000000000000000000000000066`, `av00000000000000000000000000000067`. You will hear back here when they decide (request `9790d935`)."}',NULL,1796220819.3862,1796220819.3862,0,1.79622081943458938597e+09,NULL);
INSERT INTO "tasks" VALUES(8,'cmd:fd35ead5da234640882e5ad27ae5c81f','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:40377/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}',NULL,1.79622081940917420386e+09,1.79622081940917420386e+09,0,1.79622081941326880447e+09,NULL);
INSERT INTO "tasks" VALUES(9,'request:fd35ead5da234640882e5ad27ae5c81f','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:40377/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}',NULL,1.79622081941206431388e+09,1.79622081941206431388e+09,0,1.79622081943997931484e+09,NULL);
INSERT INTO "tasks" VALUES(10,'fd35ead5da234640882e5ad27ae5c81f:post','slack.approval_post','slack','fd35ead5da234640882e5ad27ae5c81f','{"request_id": "fd35ead5da234640882e5ad27ae5c81f", "statuses": [{"job_id": "av00000000000000000000000000000068", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-068", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000068"}]}',NULL,1.79622081943802571293e+09,1.79622081943802571293e+09,0,1.79622081945814609529e+09,NULL);
INSERT INTO "tasks" VALUES(11,'request:fd35ead5da234640882e5ad27ae5c81f:tell','slack.tell','slack','fd35ead5da234640882e5ad27ae5c81f','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:40377/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av00000000000000000000000000000068`. You will hear back here when they decide (request `fd35ead5`)."}',NULL,1.79622081943802571293e+09,1.79622081943802571293e+09,0,1796220819.51606,NULL);
INSERT INTO "tasks" VALUES(12,'click:60e035d95f124488be86a6cec8fae6fb','deny_click','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:40377/response/click", "message": ["C0APPROVALS", "1796220819.000007"]}, "request_id": "fd35ead5da234640882e5ad27ae5c81f", "note": ""}',NULL,1.79622081947689056394e+09,1.79622081947689056394e+09,0,1.79622081948022794726e+09,NULL);
INSERT INTO "tasks" VALUES(13,'form:a726bfe4d71647d1b7e82947a7766b57','deny','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": null, "message": ["C0APPROVALS", "1796220819.000007"]}, "request_id": "fd35ead5da234640882e5ad27ae5c81f", "note": "not spam"}',NULL,1.79622081949138832088e+09,1.79622081949138832088e+09,0,1.79622081949743032458e+09,NULL);
INSERT INTO "tasks" VALUES(14,'fd35ead5da234640882e5ad27ae5c81f:update:denied','slack.approval_update','slack','fd35ead5da234640882e5ad27ae5c81f','{"request_id": "fd35ead5da234640882e5ad27ae5c81f"}',NULL,1.79622081949537920958e+09,1.79622081949537920958e+09,0,1.79622081962418890001e+09,NULL);
INSERT INTO "tasks" VALUES(15,'fd35ead5da234640882e5ad27ae5c81f:dm:denied','slack.requester_dm','slack','fd35ead5da234640882e5ad27ae5c81f','{"request_id": "fd35ead5da234640882e5ad27ae5c81f", "user_id": "U0MOD1"}',NULL,1.79622081949537920958e+09,1.79622081949537920958e+09,0,1.79622081973024797438e+09,NULL);
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
CREATE INDEX ix_requests_requester_state ON requests (requester, state);
CREATE INDEX ix_requests_state_expiry ON requests (state, expires_at);
CREATE INDEX ix_tasks_open ON tasks (done_at, next_at);
CREATE INDEX ix_tasks_stream ON tasks (stream, done_at);
CREATE INDEX ix_audit_unposted ON audit_log (posted_at);
CREATE INDEX ix_ci_rate_slots_slot_at ON ci_rate_slots (slot_at);
COMMIT;
