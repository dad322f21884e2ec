package dev.upc.scheduler.access;

import dev.upc.protocol.Tokens;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who makes a request, from its verified token: the one place that decides what a caller may see and touch. A user
 * acts on its own jobs only; an admin on everyone's.
 *
 * @param name the token's subject: a user name, an admin's name or a worker id
 * @param kind what the token is
 */
public record Caller(String name, Tokens.Kind kind) {

    public static Caller of(JsonWebToken token) {
        Set<String> groups = token.getGroups() == null ? Set.of() : token.getGroups();
        Tokens.Kind kind = groups.contains(Tokens.ADMIN) ? Tokens.Kind.ADMIN
                : groups.contains(Tokens.USER) ? Tokens.Kind.USER
                : groups.contains(Tokens.WORKER) ? Tokens.Kind.WORKER : Tokens.Kind.CAPABILITY;
        return new Caller(token.getSubject(), kind);
    }

    public boolean admin() {
        return kind == Tokens.Kind.ADMIN;
    }

    /** Whether the caller may see and act on what {@code owner} owns (a job, an image). */
    public boolean mayActFor(String owner) {
        return admin() || name.equals(owner);
    }
}
