package dev.upc.cli.client;

/**
 * How a {@link UpcClient} sends its JSON calls (large bodies always go through HttpURLConnection with streaming).
 */
public enum Transport {
    /** The JDK HttpClient: the choice for long-lived clients (the demo, system tests). */
    HTTP_CLIENT,
    /**
     * HttpURLConnection: about 100 ms less to the first answer in a fresh JVM, which is what a command line is; the
     * {@code upc} command uses it.
     */
    URL_CONNECTION
}
