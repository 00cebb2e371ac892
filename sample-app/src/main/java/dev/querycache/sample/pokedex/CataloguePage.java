package dev.querycache.sample.pokedex;

import java.util.List;

/** One page of the catalogue: page + size, with the total, as in the RTK Query guide's second pattern. */
public record CataloguePage(List<Pokemon> items, int page, int size, int total, int totalPages) {
}
