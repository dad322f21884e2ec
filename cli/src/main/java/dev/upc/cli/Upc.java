package dev.upc.cli;

/** The {@code upc} process: runs one command against the real environment and exits with its code. */
public final class Upc {

    private Upc() {
    }

    public static void main(String[] args) {
        Env env = Env.system();
        int code = UpcCli.run(args, env);
        env.out().flush();
        env.err().flush();
        System.exit(code);
    }
}
