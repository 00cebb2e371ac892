package dev.querycache.sample.pokedex;

import dev.querycache.InfiniteQueryEndpoint;
import dev.querycache.InfiniteQueryFetcher;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The catalogue, page by page: the arg is the page size, the param the page number (page + size, with a total). */
@Component
@InfiniteQueryEndpoint(keepUnusedDataFor = "5m", tags = "Catalogue", maxPages = 8)
public class PokemonCatalogue implements InfiniteQueryFetcher<Integer, Integer, CataloguePage> {

    private final UpstreamClient upstream;

    PokemonCatalogue(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    @Override
    public Integer initialPageParam() {
        return 1;
    }

    @Override
    public Mono<CataloguePage> fetchPage(Integer size, Integer page) {
        return upstream.web().get().uri(b -> b.path("/upstream/pokemon").queryParam("page", page).queryParam("size", size).build())
                .retrieve().bodyToMono(CataloguePage.class);
    }

    @Override
    public Integer getNextPageParam(CataloguePage last, List<CataloguePage> all, Integer lastPage, List<Integer> pages) {
        return last.page() < last.totalPages() ? last.page() + 1 : null;
    }

    @Override
    public Integer getPreviousPageParam(CataloguePage first, List<CataloguePage> all, Integer firstPage, List<Integer> pages) {
        return first.page() > 1 ? first.page() - 1 : null;
    }
}
