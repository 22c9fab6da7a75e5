package io.parley.attachment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the images customers and agents send into a conversation. */
@ConfigMapping(prefix = "parley.attachments")
public interface AttachmentConfig {

    /** The largest image accepted, in bytes; a larger body is refused with 413 before it is stored. */
    @WithDefault("5242880")
    int maxBytes();
}
