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
INSERT INTO "audit_log" VALUES(1,1.79622081172078108791e+09,'started','U0ONCALL1','c816d7d21cf844ba9aac94d6b1ee15ad','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "job_ids": ["av00000000000000000000000000000065"]}',1.79622081175010728836e+09,1,1.79622081174599075321e+09);
INSERT INTO "audit_log" VALUES(2,1.79622081173995637891e+09,'cancelled','U0ONCALL1','c816d7d21cf844ba9aac94d6b1ee15ad','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "channel": "C0WORK", "jobs": 1, "cancelled": 1, "failed_jobs": [], "unknown_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]}',1.7962208117568693161e+09,1,1.79622081175168561931e+09);
INSERT INTO "audit_log" VALUES(3,1.79622081183686542514e+09,'requested','U0MOD1','0f0b66dd31684d619a542b4c2363d734','{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}',1.79622081184889292719e+09,1,1.79622081184485816954e+09);
INSERT INTO "audit_log" VALUES(4,1.79622081188498353958e+09,'requested','U0MOD1','a6700fa9aa504afe85a983686ae7e796','{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}',1.796220811899746418e+09,1,1.79622081189261865617e+09);
INSERT INTO "audit_log" VALUES(5,1.79622081194580984113e+09,'denied','U0ONCALL1','a6700fa9aa504afe85a983686ae7e796','{"note": "not spam", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam", "requester": "U0MOD1", "channel": "C0WORK"}',1.79622081196840381622e+09,1,1.79622081195086431499e+09);
CREATE TABLE ci_rate_slots (
	id INTEGER NOT NULL, 
	slot_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "ci_rate_slots" VALUES(1,1.79622081173189592365e+09);
INSERT INTO "ci_rate_slots" VALUES(2,1.79622081178472590449e+09);
INSERT INTO "ci_rate_slots" VALUES(3,1.79622081179002499582e+09);
INSERT INTO "ci_rate_slots" VALUES(4,1.7962208118804869652e+09);
CREATE TABLE job_results (
	request_id VARCHAR(32) NOT NULL, 
	job_id VARCHAR(64) NOT NULL, 
	position INTEGER NOT NULL, 
	sends INTEGER DEFAULT '0' NOT NULL, 
	outcome TEXT, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (request_id, job_id)
);
INSERT INTO "job_results" VALUES('c816d7d21cf844ba9aac94d6b1ee15ad','av00000000000000000000000000000065',0,1,'{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}',1.79622081173746323589e+09);
INSERT INTO "job_results" VALUES('0f0b66dd31684d619a542b4c2363d734','av00000000000000000000000000000066',0,0,NULL,1.79622081183893728259e+09);
INSERT INTO "job_results" VALUES('0f0b66dd31684d619a542b4c2363d734','av00000000000000000000000000000067',1,0,NULL,1.79622081183911395073e+09);
INSERT INTO "job_results" VALUES('a6700fa9aa504afe85a983686ae7e796','av00000000000000000000000000000068',0,0,NULL,1.79622081188646817205e+09);
CREATE TABLE leases (
	name VARCHAR(32) NOT NULL, 
	holder VARCHAR(32), 
	PRIMARY KEY (name)
);
INSERT INTO "leases" VALUES('audit-poster','017f5393b7754ff9bcccc2d5b7499045');
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
INSERT INTO "requests" VALUES('c816d7d21cf844ba9aac94d6b1ee15ad','direct','done','U0ONCALL1','C0WORK','stream already reported','["av00000000000000000000000000000065"]',1.7962208116937770844e+09,1.7962208116937770844e+09,'U0ONCALL1',1.7962208116937770844e+09,NULL,NULL,NULL,'[{"job_id": "av00000000000000000000000000000065", "result": "cancelled", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled", "confirmed": false}]',NULL,1.79622081172078108791e+09);
INSERT INTO "requests" VALUES('0f0b66dd31684d619a542b4c2363d734','approval','pending','U0MOD1','C0WORK','please stop these streams','["av00000000000000000000000000000066", "av00000000000000000000000000000067"]',1.79622081183686542514e+09,4102444800.0,NULL,NULL,NULL,'C0APPROVALS','1796220811.000005',NULL,NULL,NULL);
INSERT INTO "requests" VALUES('a6700fa9aa504afe85a983686ae7e796','approval','denied','U0MOD1','C0WORK','looks like spam','["av00000000000000000000000000000068"]',1.79622081188498353958e+09,1.79682561188498353963e+09,'U0ONCALL1',1.79622081194580984113e+09,'not spam','C0APPROVALS','1796220811.000007',NULL,NULL,NULL);
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
INSERT INTO "tasks" VALUES(1,'cmd:c816d7d21cf844ba9aac94d6b1ee15ad','command','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:32941/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000065"], "reason": "stream already reported"}}',NULL,1.79622081169142699236e+09,1.79622081169142699236e+09,0,1.79622081169818592072e+09,NULL);
INSERT INTO "tasks" VALUES(2,'exec:c816d7d21cf844ba9aac94d6b1ee15ad','execute','urgent',NULL,'{"request_id": "c816d7d21cf844ba9aac94d6b1ee15ad", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:32941/response/r", "message": null}}',NULL,1.7962208116964280605e+09,1.7962208116964280605e+09,0,1.79622081174251437192e+09,NULL);
INSERT INTO "tasks" VALUES(3,'c816d7d21cf844ba9aac94d6b1ee15ad:result','slack.result','slack','c816d7d21cf844ba9aac94d6b1ee15ad','{"request_id": "c816d7d21cf844ba9aac94d6b1ee15ad", "caller": {"user_id": "U0ONCALL1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:32941/response/r", "message": null}}',NULL,1.79622081174132227892e+09,1.79622081174132227892e+09,0,1.79622081180259490014e+09,NULL);
INSERT INTO "tasks" VALUES(4,'cmd:0f0b66dd31684d619a542b4c2363d734','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:32941/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}',NULL,1.7962208117592949867e+09,1.7962208117592949867e+09,0,1.79622081176178765293e+09,NULL);
INSERT INTO "tasks" VALUES(5,'request:0f0b66dd31684d619a542b4c2363d734','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:32941/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "reason": "please stop these streams"}}',NULL,1.79622081176071262363e+09,1.79622081176071262363e+09,0,1.79622081184203386309e+09,NULL);
INSERT INTO "tasks" VALUES(6,'0f0b66dd31684d619a542b4c2363d734:post','slack.approval_post','slack','0f0b66dd31684d619a542b4c2363d734','{"request_id": "0f0b66dd31684d619a542b4c2363d734", "statuses": [{"job_id": "av00000000000000000000000000000066", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-066", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000066"}, {"job_id": "av00000000000000000000000000000067", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-067", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000067"}]}',NULL,1.7962208118393805027e+09,1.7962208118393805027e+09,0,1.79622081186534047125e+09,NULL);
INSERT INTO "tasks" VALUES(7,'request:0f0b66dd31684d619a542b4c2363d734:tell','slack.tell','slack','0f0b66dd31684d619a542b4c2363d734','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:32941/response/r", "message": null}, "text": "Asked on-call to cancel 2 job(s): `av00000000000000000000000000000066`, `av00000000000000000000000000000067`. You will hear back here when they decide (request `0f0b66dd`)."}',NULL,1.7962208118393805027e+09,1.7962208118393805027e+09,0,1.79622081188383388517e+09,NULL);
INSERT INTO "tasks" VALUES(8,'cmd:a6700fa9aa504afe85a983686ae7e796','command','urgent',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:32941/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}',NULL,1.79622081186385750767e+09,1.79622081186385750767e+09,0,1.79622081186777925489e+09,NULL);
INSERT INTO "tasks" VALUES(9,'request:a6700fa9aa504afe85a983686ae7e796','request','lookup',NULL,'{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:32941/response/r", "message": null}, "command": {"kind": "cancel", "job_ids": ["av00000000000000000000000000000068"], "reason": "looks like spam"}}',NULL,1.79622081186638760563e+09,1.79622081186638760563e+09,0,1.79622081188841271406e+09,NULL);
INSERT INTO "tasks" VALUES(10,'a6700fa9aa504afe85a983686ae7e796:post','slack.approval_post','slack','a6700fa9aa504afe85a983686ae7e796','{"request_id": "a6700fa9aa504afe85a983686ae7e796", "statuses": [{"job_id": "av00000000000000000000000000000068", "ok": true, "state": "Auditing", "stream_url": "rtmp://live.example.com/app/stream", "data_id": "data-068", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-q-000068"}]}',NULL,1.79622081188678097722e+09,1.79622081188678097722e+09,0,1.79622081190463328366e+09,NULL);
INSERT INTO "tasks" VALUES(11,'request:a6700fa9aa504afe85a983686ae7e796:tell','slack.tell','slack','a6700fa9aa504afe85a983686ae7e796','{"caller": {"user_id": "U0MOD1", "channel_id": "C0WORK", "response_url": "http://127.0.0.1:32941/response/r", "message": null}, "text": "Asked on-call to cancel 1 job(s): `av00000000000000000000000000000068`. You will hear back here when they decide (request `a6700fa9`)."}',NULL,1.79622081188678097722e+09,1.79622081188678097722e+09,0,1.7962208119696309567e+09,NULL);
INSERT INTO "tasks" VALUES(12,'click:2df126ee499a47e48e84946a9def7b93','deny_click','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": "http://127.0.0.1:32941/response/click", "message": ["C0APPROVALS", "1796220811.000007"]}, "request_id": "a6700fa9aa504afe85a983686ae7e796", "note": ""}',NULL,1.79622081193024182325e+09,1.79622081193024182325e+09,0,1.79622081193476271633e+09,NULL);
INSERT INTO "tasks" VALUES(13,'form:81ce4958258841d982c23ca06ab04061','deny','urgent',NULL,'{"caller": {"user_id": "U0ONCALL1", "channel_id": "C0APPROVALS", "response_url": null, "message": ["C0APPROVALS", "1796220811.000007"]}, "request_id": "a6700fa9aa504afe85a983686ae7e796", "note": "not spam"}',NULL,1.79622081194386625296e+09,1.79622081194386625296e+09,0,1.79622081194873189921e+09,NULL);
INSERT INTO "tasks" VALUES(14,'a6700fa9aa504afe85a983686ae7e796:update:denied','slack.approval_update','slack','a6700fa9aa504afe85a983686ae7e796','{"request_id": "a6700fa9aa504afe85a983686ae7e796"}',NULL,1.79622081194682312009e+09,1.79622081194682312009e+09,0,1.79622081207859277725e+09,NULL);
INSERT INTO "tasks" VALUES(15,'a6700fa9aa504afe85a983686ae7e796:dm:denied','slack.requester_dm','slack','a6700fa9aa504afe85a983686ae7e796','{"request_id": "a6700fa9aa504afe85a983686ae7e796", "user_id": "U0MOD1"}',NULL,1.79622081194682312009e+09,1.79622081194682312009e+09,0,1796220812.17686,NULL);
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
CREATE INDEX ix_requests_state_expiry ON requests (state, expires_at);
CREATE INDEX ix_requests_requester_state ON requests (requester, state);
CREATE INDEX ix_tasks_open ON tasks (done_at, next_at);
CREATE INDEX ix_tasks_stream ON tasks (stream, done_at);
CREATE INDEX ix_audit_unposted ON audit_log (posted_at);
CREATE INDEX ix_ci_rate_slots_slot_at ON ci_rate_slots (slot_at);
COMMIT;
