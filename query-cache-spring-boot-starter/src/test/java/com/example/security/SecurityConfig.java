package com.example.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

@Configuration(proxyBeanMethods = false)
class SecurityConfig {
    @Bean
    SecurityWebFilterChain security(ServerHttpSecurity http) {
        return http.authorizeExchange(a -> a
                        .pathMatchers("/_query/devtools/**", "/actuator/querycache/**").hasRole("ADMIN")
                        .anyExchange().permitAll())
                .formLogin(Customizer.withDefaults())
                .build();
    }
}
