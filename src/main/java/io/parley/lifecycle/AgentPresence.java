package io.parley.lifecycle;

/** Whether any agent is online right now: decides which notice a customer asking for a person gets. */
public interface AgentPresence {
    boolean anyOnline();
}
