package dev.lifeguard.notify.channel;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The installed {@link ChatChannel}s, looked up by {@code @Identifier}: a new channel needs no edit here. */
@ApplicationScoped
public class ChatChannels {

    private final Instance<ChatChannel> channels;

    public ChatChannels(@Any Instance<ChatChannel> channels) {
        this.channels = channels;
    }

    public Optional<ChatChannel> byType(String type) {
        Instance<ChatChannel> selected = channels.select(Identifier.Literal.of(type));
        return selected.isResolvable() ? Optional.of(selected.get()) : Optional.empty();
    }

    public SortedSet<String> types() {
        return channels.stream().map(ChatChannel::type).collect(Collectors.toCollection(TreeSet::new));
    }
}
