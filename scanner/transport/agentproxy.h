/* agentproxy.h - a one-key view of the user's ssh-agent for libssh.
 *
 * libssh 0.10 signs with an agent key only through ssh_userauth_agent,
 * which offers every key the agent lists, in the agent's order, and signs
 * with the first one the server accepts. ssh offers one identity at a time
 * in its own order, and signs a certificate whose plain key the agent holds
 * by asking the agent to sign with that plain key (sshconnect2.c
 * sign_and_send_pubkey). The proxy is the agent libssh talks to (through
 * ssh_set_agent_socket): it lists exactly the identity diagnose is
 * offering, and passes the sign request to the real agent with the blob of
 * the key that signs. Nothing else is passed through. */
#ifndef KA_AGENTPROXY_H
#define KA_AGENTPROXY_H

#include <stddef.h>

struct agent_proxy;

/* A proxy in front of the agent at real_sock; *lib_fd is the socket to
 * hand to libssh (which closes it). NULL when it cannot be started. */
struct agent_proxy *agent_proxy_start(const char *real_sock, int *lib_fd);

/* What the next identity list and sign request see: the one blob listed
 * (offer), and the blob the real agent is asked to sign with (sign). */
void agent_proxy_set(struct agent_proxy *p, const unsigned char *offer,
    size_t offer_len, const unsigned char *sign, size_t sign_len);

/* Stops the thread and frees; NULL is fine. */
void agent_proxy_stop(struct agent_proxy *p);

#endif
