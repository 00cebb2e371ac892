(function(){var q=self.__queryCacheStream=self.__queryCacheStream||[];
function merge(a,b){for(var k in b){var x=a[k],y=b[k];if(Array.isArray(x)&&Array.isArray(y)){a[k]=x.concat(y)}else if(x&&y&&typeof x==="object"&&typeof y==="object"){merge(x,y)}else{a[k]=y}}}
function grow(s,f){var e=document.getElementById("query-cache-state");if(!e){e=document.createElement("script");e.type="application/json";e.id="query-cache-state";if(f!=="query-cache"){e.setAttribute("data-format",f)}e.textContent="{}";document.body.appendChild(e)}var c=JSON.parse(e.textContent);merge(c,s);e.textContent=JSON.stringify(c)}
self.__qcFill=function(n){var t=document.querySelector('template[data-qc-fill="'+n+'"]'),s=document.querySelector('[data-qc-slot="'+n+'"]');if(t){if(s){s.replaceWith(t.content)}t.remove()}};
self.__qcPush=function(m){if(m.state){grow(m.state,m.format)}q.push(m);dispatchEvent(new CustomEvent("query-cache:stream",{detail:m}))};})();
