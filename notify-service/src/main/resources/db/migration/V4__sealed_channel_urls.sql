-- Channel URLs are secrets (a Slack webhook URL carries its token): they are stored sealed (AES-GCM, see
-- SecretBox), which is longer than the URL. Rows written before stay plain and are read as they are.
ALTER TABLE subscription ALTER COLUMN channel_url TYPE TEXT;
