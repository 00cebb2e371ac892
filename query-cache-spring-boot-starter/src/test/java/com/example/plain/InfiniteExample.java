package com.example.plain;

import dev.querycache.InfiniteData;
import dev.querycache.InfiniteEndpoint;
import dev.querycache.InfiniteQueryEndpoint;
import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.PrefetchOptions;
import dev.querycache.QueryClient;
import java.util.List;
import reactor.core.publisher.Mono;

record PageRequest(int page, int size) {}
record PageResponse(List<Pokemon> items, int page, int totalPages) {}

interface CatalogueUpstream {
    Mono<PageResponse> page(String filter, PageRequest request);
}

// InfiniteQueryFetcher<A, P, R>: A = the arg, P = the page param, R = one page
@InfiniteQueryEndpoint(name = "catalogue", maxPages = 10, tags = "Pokemon")
class Catalogue implements InfiniteQueryFetcher<String, PageRequest, PageResponse> {
    private final CatalogueUpstream upstream;
    Catalogue(CatalogueUpstream upstream) { this.upstream = upstream; }

    public PageRequest initialPageParam() { return new PageRequest(1, 20); }
    public Mono<PageResponse> fetchPage(String filter, PageRequest p) { return upstream.page(filter, p); }
    public PageRequest getNextPageParam(PageResponse last, List<PageResponse> all,
                                        PageRequest lastParam, List<PageRequest> allParams) {
        return last.page() < last.totalPages() ? new PageRequest(last.page() + 1, lastParam.size()) : null;
    }
    public PageRequest getPreviousPageParam(PageResponse first, List<PageResponse> all,
                                            PageRequest firstParam, List<PageRequest> allParams) {
        return first.page() > 1 ? new PageRequest(first.page() - 1, firstParam.size()) : null;
    }
}

class InfiniteExample {
    static void run(QueryClient client) {
        // InfiniteData<R, P>: pages() and pageParams(), in the same order
        InfiniteEndpoint<String, PageRequest, PageResponse> catalogue = client.infiniteEndpoint(Catalogue.class);
        Mono<InfiniteData<PageResponse, PageRequest>> first = catalogue.query("all");   // first page, or the cached pages
        catalogue.query("all", new PageRequest(3, 20));   // start elsewhere, only when nothing is cached
        catalogue.fetchNextPage("all");                    // append; on an empty entry: the first page
        catalogue.fetchPreviousPage("all");                // prepend
        catalogue.prefetch("all", PrefetchOptions.pages(3));
        boolean more = catalogue.state("all").hasNextPage();
    }
}
