BEGIN TRANSACTION;
CREATE TABLE audit_chain_head (
	id INTEGER NOT NULL, 
	last_id INTEGER NOT NULL, 
	last_hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "audit_chain_head" VALUES(1,4,'fa097a1ad9fb778c4551c544bda74ec556cfee3c118cfe12aaca18e81820aebf');
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
INSERT INTO "audit_log" VALUES(1,1.79622081554580378536e+09,'cancelled','U0ONCALL1','edf06d6a342448f0b03fc0d4b2b6cc66','{"reason": "stream already reported", "kind": "direct", "requester": "U0ONCALL1", "jobs": 1, "cancelled": 1, "failed_jobs": [], "results": [{"job_id": "av00000000000000000000000000000065", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled"}]}',1.79622081557390356068e+09,0,NULL,'0000000000000000000000000000000000000000000000000000000000000000','01f1287b58032a7b4685a691e69a7508109d4a0dc547e13fddea6310ca7e6827');
INSERT INTO "audit_log" VALUES(2,1.79622081560463023189e+09,'requested','U0MOD1','5630e6688e354532b185c6f73a7e411e','{"reason": "please stop these streams", "job_ids": ["av00000000000000000000000000000066", "av00000000000000000000000000000067"], "channel": "C0WORK"}',1.79622081563003230088e+09,0,NULL,'01f1287b58032a7b4685a691e69a7508109d4a0dc547e13fddea6310ca7e6827','c4f3b652aed8a1410e66f44a7d29015fe70250bd0e8d6cbbd5cf76b95f60df26');
INSERT INTO "audit_log" VALUES(3,1.79622081566842341422e+09,'requested','U0MOD1','cb1710cd76f94a87a376aeb68ce602bf','{"reason": "looks like spam", "job_ids": ["av00000000000000000000000000000068"], "channel": "C0WORK"}',1.7962208156863236427e+09,0,NULL,'c4f3b652aed8a1410e66f44a7d29015fe70250bd0e8d6cbbd5cf76b95f60df26','bd3a2b434ae44215e0c06ff73716981554a3d7d2bf8316ded6a7d270a958efa2');
INSERT INTO "audit_log" VALUES(4,1.79622081569579386713e+09,'denied','U0ONCALL1','cb1710cd76f94a87a376aeb68ce602bf','{"note": "not spam"}',1.79622081570842576027e+09,0,NULL,'bd3a2b434ae44215e0c06ff73716981554a3d7d2bf8316ded6a7d270a958efa2','fa097a1ad9fb778c4551c544bda74ec556cfee3c118cfe12aaca18e81820aebf');
CREATE TABLE ci_rate_slots (
	id INTEGER NOT NULL, 
	slot_at FLOAT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "ci_rate_slots" VALUES(1,1.79622081554056143757e+09);
INSERT INTO "ci_rate_slots" VALUES(2,1.79622081555757594109e+09);
INSERT INTO "ci_rate_slots" VALUES(3,1.7962208155646083355e+09);
INSERT INTO "ci_rate_slots" VALUES(4,1.79622081562086486814e+09);
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
	PRIMARY KEY (id)
);
INSERT INTO "requests" VALUES('edf06d6a342448f0b03fc0d4b2b6cc66','direct','done','U0ONCALL1','C0WORK','stream already reported','["av00000000000000000000000000000065"]',1.79622081553625583642e+09,1.79622081553625583642e+09,'U0ONCALL1',1.79622081553625583642e+09,NULL,NULL,NULL,'[{"job_id": "av00000000000000000000000000000065", "ok": true, "data_id": "data-065", "creation_time": "2026-11-24T10:00:00+0800", "request_id": "req-000065-1", "state": "Cancelled"}]',NULL);
INSERT INTO "requests" VALUES('5630e6688e354532b185c6f73a7e411e','approval','pending','U0MOD1','C0WORK','please stop these streams','["av00000000000000000000000000000066", "av00000000000000000000000000000067"]',1.79622081560463023189e+09,4102444800.0,NULL,NULL,NULL,'C0APPROVALS','3.000100',NULL,NULL);
INSERT INTO "requests" VALUES('cb1710cd76f94a87a376aeb68ce602bf','approval','denied','U0MOD1','C0WORK','looks like spam','["av00000000000000000000000000000068"]',1.79622081566842341422e+09,1.79682561566842341417e+09,'U0ONCALL1',1.79622081569579386713e+09,'not spam','C0APPROVALS','5.000100',NULL,NULL);
CREATE TABLE schema_version (
	version INTEGER NOT NULL
);
INSERT INTO "schema_version" VALUES(2);
CREATE INDEX ix_requests_state_expiry ON requests (state, expires_at);
CREATE INDEX ix_audit_unposted ON audit_log (posted_at);
CREATE INDEX ix_ci_rate_slots_slot_at ON ci_rate_slots (slot_at);
COMMIT;
