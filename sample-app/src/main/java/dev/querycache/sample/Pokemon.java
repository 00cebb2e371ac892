package dev.querycache.sample;

import java.util.List;

/** One Pokémon as the upstream serves it. */
public record Pokemon(int id, String name, List<String> types) {
}
