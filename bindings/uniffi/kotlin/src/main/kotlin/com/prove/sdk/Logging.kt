package com.prove.sdk

import org.slf4j.Logger
import org.slf4j.LoggerFactory

/**
 * The core's log events in SLF4J: operation, method, path template, attempt, status, latency and
 * outcome as key-value pairs (never secrets, tokens or personal data), under the logger
 * `com.prove.sdk.http`. Nothing is recorded until [install] is called.
 *
 * ```kotlin
 * val logging = ProveLogging.install()   // DEBUG when com.prove.sdk.http logs debug, else WARN
 * logging.close()                        // stops forwarding
 * ```
 */
object ProveLogging {
    /** The logger the records go to. */
    const val LOGGER_NAME: String = "com.prove.sdk.http"

    /**
     * Forwards the core's records to SLF4J, up to [level]: `DEBUG` (every request) or `WARN`
     * (failures only); by default the level [logger] has enabled. Close the result to stop.
     */
    @JvmStatic
    @JvmOverloads
    fun install(logger: Logger = LoggerFactory.getLogger(LOGGER_NAME), level: LogLevel? = null): AutoCloseable {
        val max = level ?: if (logger.isDebugEnabled) LogLevel.DEBUG else LogLevel.WARN
        val id = addLogSink(max, Slf4jSink(logger))
        return AutoCloseable { removeLogSink(id) }
    }

    private class Slf4jSink(private val logger: Logger) : LogSink {
        override fun log(record: LogRecord) {
            try {
                var event = if (record.level == LogLevel.WARN) logger.atWarn() else logger.atDebug()
                for (f in record.fields) {
                    event = when (val v = f.value) {
                        is LogValue.Text -> event.addKeyValue(f.name, v.v1)
                        is LogValue.Number -> event.addKeyValue(f.name, v.v1.toLong())
                    }
                }
                event.log(record.message)
            } catch (_: Throwable) {
                // A failing logger must never fail the call that logged.
            }
        }
    }
}
