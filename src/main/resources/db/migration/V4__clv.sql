-- Customer lifetime value per profile (BG/NBD + Gamma-Gamma, fitted every run): NULL where the
-- history is too short for a trustworthy number.
ALTER TABLE profile_score ADD COLUMN clv DECIMAL(16, 2);
ALTER TABLE profile_score ADD COLUMN p_alive DOUBLE PRECISION;
ALTER TABLE profile_score ADD COLUMN expected_purchases DOUBLE PRECISION;
