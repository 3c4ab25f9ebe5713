/**
 * The event driver's counters: what its summary reports about polls, messages, drops and
 * churn (README.md, "Summary fields"). `ConsensusEventRun` extends this class, so every
 * counter is a field of the run, where the summary and the tests read it; the parts that
 * count (delivery.ts, churn.ts, respond.ts, statements.ts) are handed the run as theirs.
 */
export class EventCounters {
  /** polls digested (onPoll calls) */
  updates = 0;
  /** messages sent by nodes (queries and answers, lost ones included; network duplicates not) */
  messages = 0;
  bytes = 0;
  /** events processed */
  events = 0;
  droppedLoss = 0;
  droppedPartition = 0;
  /** answers whose statement failed to decode or verify, or named the wrong signer, instance or candidate */
  droppedInvalid = 0;
  /** extra copies the network made */
  duplicates = 0;
  /** messages that reached a node while it was down (or answers to polls its crash discarded) */
  droppedChurn = 0;
  /** answers for polls already completed, and second copies of answers already counted */
  staleAnswers = 0;
  /** polls completed by their timeout rather than by their last answer */
  pollTimeouts = 0;
  /** answers damaged in flight */
  corrupted = 0;
  /** signed answers received and checked (what real receivers would verify) */
  statementChecks = 0;
  /** nodes crashed by churn (events) */
  crashes = 0;
}
