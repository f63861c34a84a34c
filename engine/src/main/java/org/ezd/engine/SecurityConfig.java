package org.ezd.engine;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP basic authentication for the engine REST API.
 *
 * <p>One technical account (EZD_ENGINE_USER / EZD_ENGINE_PASSWORD) used by the ezd back end
 * and its workers. /actuator/health is open for liveness/readiness probes; everything else
 * needs the account. Stateless: no session cookie, CSRF protection is not needed.
 */
@Configuration
public class SecurityConfig {

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  @Bean
  UserDetailsService engineUsers(
      @Value("${ezd.engine.user}") String user,
      @Value("${ezd.engine.password}") String password,
      PasswordEncoder encoder) {
    if (user.isBlank() || password.isBlank()) {
      throw new IllegalStateException("EZD_ENGINE_USER and EZD_ENGINE_PASSWORD must not be empty");
    }
    return new InMemoryUserDetailsManager(
        User.withUsername(user).password(encoder.encode(password)).roles("ENGINE").build());
  }

  @Bean
  SecurityFilterChain filterChain(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            auth ->
                auth.requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .requestMatchers("/engine-rest/**")
                    .hasRole("ENGINE")
                    .anyRequest()
                    .denyAll())
        .httpBasic(Customizer.withDefaults())
        .formLogin(form -> form.disable())
        .logout(logout -> logout.disable())
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    return http.build();
  }
}
