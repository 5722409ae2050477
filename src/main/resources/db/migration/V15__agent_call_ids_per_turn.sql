-- A model may use a call id again in a later turn (the echo model numbers its calls from 1 in
-- every answer, as some providers do): a call id is unique within its turn, not its session.
DROP INDEX agent_items_call;
CREATE UNIQUE INDEX agent_items_call ON agent_items (turn_id, call_id, type) WHERE call_id IS NOT NULL;
