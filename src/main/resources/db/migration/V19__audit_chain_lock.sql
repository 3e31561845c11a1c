-- One row that every audit append locks until its transaction ends: the next append, from another
-- transaction of this hub or of another instance, waits for it and chains to what it committed.
-- Without it two transactions open at once both chained to the same last entry and forked the log.
CREATE TABLE audit_chain_lock (
    id INT PRIMARY KEY
);
INSERT INTO audit_chain_lock (id) VALUES (1);
