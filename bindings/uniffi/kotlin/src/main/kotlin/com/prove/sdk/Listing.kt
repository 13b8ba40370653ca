package com.prove.sdk

import com.prove.sdk.models.BatchGetIdentitiesResponse
import com.prove.sdk.models.GetBatchIdentityItem
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Every page of the identity listing, following `lastKey`: a cold [Flow] that fetches a page when
 * the collector asks for it. An error ends the flow with a [ProveException]; cancelling the
 * collector drops the page request in flight.
 */
fun IdentityManagerApi.pageFlow(list: ListIdentitiesOptions? = null, options: CallOptions? = null): Flow<BatchGetIdentitiesResponse> =
    flow {
        pages(list, options).use { pages ->
            while (true) {
                val page = pages.nextPage() ?: break
                emit(page)
            }
        }
    }

/** Every enrolled identity, page after page (see [pageFlow]). */
fun IdentityManagerApi.list(list: ListIdentitiesOptions? = null, options: CallOptions? = null): Flow<GetBatchIdentityItem> =
    flow {
        pageFlow(list, options).collect { page -> page.results.forEach { emit(it) } }
    }
