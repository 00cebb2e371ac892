package dev.querycache.sample.pokedex;

import java.util.List;

/**
 * One Pokémon as the upstream serves it.
 *
 * @param id national dex number
 * @param name lower-case name, the key
 * @param displayName name to show
 * @param types its types, lower-case
 * @param stats base stats
 * @param favourite whether it is a favourite (changed by the favourite mutation)
 */
public record Pokemon(int id, String name, String displayName, List<String> types, Stats stats, boolean favourite) {

    /** Base stats. */
    public record Stats(int hp, int attack, int defense, int specialAttack, int specialDefense, int speed) {
        public int total() {
            return hp + attack + defense + specialAttack + specialDefense + speed;
        }
    }

    public Pokemon withFavourite(boolean f) {
        return new Pokemon(id, name, displayName, types, stats, f);
    }
}
